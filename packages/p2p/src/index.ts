export const PACKAGE = '@gossip5/p2p';
