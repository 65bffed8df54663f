import { MessageType } from '@gossip5/protocol';

/** size u16 + type u16. */
export const HEADER_SIZE_BYTES = 4;
export const NOTIFICATION_TYPE: number = MessageType.PeerNotification;
/** Header, ttl u8, flags u8, message id (8), data type u16: the data starts here (docs/protocol.md). */
export const NOTIFICATION_DATA_OFFSET = HEADER_SIZE_BYTES + 1 + 1 + 8 + 2;
/**
 * Default ttl of published items: 0, unlimited, as most announces are (lazy push applies only to
 * them: a ttl-limited item goes whole to every neighbour).
 */
export const DEFAULT_PUBLISH_TTL = 0;
/** Data type of simulated items. */
export const SIM_DATA_TYPE = 0x5157;
