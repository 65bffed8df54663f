import { createHash } from 'node:crypto';
import { HelloFlag } from '@gossip5/protocol';

/**
 * HELLO flag bit 1: content-derived message ids (docs/protocol.md). On a link where both ends set
 * it, every PEER NOTIFICATION's id must be contentId(data type, data); a mismatch closes the link.
 */
export const HELLO_FLAG_CONTENT_IDS = HelloFlag.ContentIds;

/** The first 8 bytes of SHA-256(data_type u16 big-endian || data), as an unsigned 64-bit id. */
export function contentId(dataType: number, data: Uint8Array): bigint {
  const h = createHash('sha256');
  h.update(Uint8Array.of(dataType >>> 8, dataType & 0xff));
  h.update(data);
  return h.digest().readBigUInt64BE(0);
}

/** Whether `messageId` is the content-derived id of (dataType, data). */
export function isContentId(messageId: bigint, dataType: number, data: Uint8Array): boolean {
  return contentId(dataType, data) === messageId;
}
