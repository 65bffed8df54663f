export const PACKAGE = '@gossip5/api';
