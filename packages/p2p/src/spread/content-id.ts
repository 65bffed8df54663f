import { HelloFlag } from '@gossip5/protocol';

export { contentId } from '@gossip5/protocol';

/**
 * HELLO flag bit 1: content-derived message ids (docs/protocol.md). On a link where both ends set
 * it, every PEER NOTIFICATION's id must be contentId(data type, data); a mismatch closes the link.
 */
export const HELLO_FLAG_CONTENT_IDS = HelloFlag.ContentIds;
