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
/** Bytes of a node identity (SHA-256 of its public key) in 515 and 516. */
export const IDENTITY_SIZE = 32;
/** The only HELLO version this package speaks. */
export const PROTOCOL_VERSION = 1;
/**
 * Bytes of one shared slab that `encodeMessage` carves frames from (like
 * Node's Buffer pool): allocating a typed array larger than 64 bytes costs
 * far more than the encoding itself. A slab is never reused, only replaced,
 * so a frame stays valid for as long as it is referenced.
 */
export const FRAME_POOL_SIZE = 16 * 1024;
/** Frames larger than this get their own buffer instead of a piece of the slab. */
export const FRAME_POOL_MAX_FRAME = 2 * 1024;
/**
 * Frames up to this size get their own small array: V8 keeps typed arrays of
 * at most 64 bytes on its heap, which is cheaper than a slab view.
 */
export const FRAME_POOL_MIN_FRAME = 65;
/** Bytes of one IHAVE entry: message_id (8) and ttl (1). */
export const IHAVE_ENTRY_SIZE = 9;
/** Most entries one IHAVE frame can hold: (65535 - 4 - 2) / 9. */
export const MAX_IHAVE_ENTRIES = Math.floor((MAX_FRAME_SIZE - HEADER_SIZE - 2) / IHAVE_ENTRY_SIZE); // 7281
/** Most ids one GRAFT frame can hold: (65535 - 4 - 2) / 8. */
export const MAX_GRAFT_IDS = Math.floor((MAX_FRAME_SIZE - HEADER_SIZE - 2) / 8); // 8191

/**
 * Smallest size a TurnBuffer (the frames one connection writes in one turn of the event loop, sent as
 * one socket write) grows to when a turn outgrows its first allocation, which is as large as the last
 * turn wrote (or the turn's first frame). It doubles from there to what one turn writes, which the
 * owner's queue limit bounds.
 */
export const TURN_BUFFER_BYTES = 512;
