/** Bytes of the frame header: size u16 + type u16. */
export const HEADER_SIZE = 4;
/** Largest frame the 16-bit size field can describe. */
export const MAX_FRAME_SIZE = 65535;
/** Fixed part of a PEER NOTIFICATION body: ttl, flags, message_id (8), data_type. */
export const PEER_NOTIFICATION_FIXED = 12;
/** Most data bytes one item can carry across the network (limited by PEER NOTIFICATION). */
export const MAX_ITEM_DATA = MAX_FRAME_SIZE - HEADER_SIZE - PEER_NOTIFICATION_FIXED; // 65519
/** Most data bytes a GOSSIP ANNOUNCE or NOTIFICATION frame can hold. */
export const MAX_API_DATA = MAX_FRAME_SIZE - HEADER_SIZE - 4; // 65527
/** Bytes of the handshake nonce. */
export const NONCE_SIZE = 16;
/** Bytes of a proof-of-work solution. */
export const SOLUTION_SIZE = 8;
/** The only HELLO version this package speaks. */
export const PROTOCOL_VERSION = 1;
