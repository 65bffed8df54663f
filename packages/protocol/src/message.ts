import { gossipAnnounce, gossipNotification, gossipNotify, gossipValidation } from './codecs/api.js';
import type { Codec } from './codecs/codec.js';
import {
  authPeerResponse,
  authPush,
  hello,
  peerNotification,
  peerRequest,
  peerResponse,
  ping,
  push,
  verificationRequest,
  verificationResponse,
} from './codecs/p2p.js';
import { graft, ihave, prune } from './codecs/lazy.js';
import { HEADER_SIZE, MAX_FRAME_SIZE } from './constants.js';
import { ErrorCode, ProtocolError } from './errors.js';
import { allocFrame } from './frame-pool.js';
import type { Message } from './types.js';

const CODECS: ReadonlyArray<Codec<Message>> = [
  gossipAnnounce,
  gossipNotify,
  gossipNotification,
  gossipValidation,
  peerRequest,
  peerResponse,
  verificationRequest,
  verificationResponse,
  hello,
  push,
  ping,
  peerNotification,
  ihave,
  graft,
  prune,
  authPeerResponse,
  authPush,
] as ReadonlyArray<Codec<Message>>;

const FIRST_TYPE = 500;

function codecFor(type: number): Codec<Message> | undefined {
  return CODECS[type - FIRST_TYPE];
}

/** True when `type` is one of the seventeen message types (500-516) this package knows. */
export function isKnownType(type: number): boolean {
  return codecFor(type) !== undefined;
}

/**
 * Encode a message into one whole frame (header included). Throws ProtocolError on bad fields.
 * Frames of 65..2048 bytes are views into a shared slab (as with Node's
 * `Buffer.allocUnsafe`, but zero-filled and never reused): use `frame` itself,
 * not `frame.buffer`, and `frame.slice()` it before transferring it to a worker.
 */
export function encodeMessage(msg: Message): Uint8Array {
  const codec = typeof msg === 'object' && msg !== null ? codecFor(msg.type) : undefined;
  if (!codec) {
    throw new ProtocolError(ErrorCode.UnknownType, `cannot encode unknown type ${String(msg?.type)}`, {
      field: 'type',
    });
  }
  const size = HEADER_SIZE + codec.bodySize(msg);
  if (size > MAX_FRAME_SIZE) {
    throw new ProtocolError(ErrorCode.TooLarge, `frame of ${size} bytes exceeds ${MAX_FRAME_SIZE}`, {
      messageType: msg.type,
    });
  }
  const out = allocFrame(size);
  out[0] = size >>> 8;
  out[1] = size & 0xff;
  out[2] = msg.type >>> 8;
  out[3] = msg.type & 0xff;
  codec.write(msg, out, HEADER_SIZE);
  return out;
}

/** Read the size field of a frame header (the first two bytes). */
export function frameSize(bytes: Uint8Array, offset = 0): number {
  return (bytes[offset]! << 8) | bytes[offset + 1]!;
}

/** Read the type field of a frame header (bytes 2 and 3). */
export function frameType(bytes: Uint8Array, offset = 0): number {
  return (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
}

/**
 * Decode exactly one whole frame. The size field must equal `frame.length`.
 * Variable-length fields (`data`) are views into `frame`, not copies: copy
 * them if you keep them and reuse the buffer.
 */
export function decodeMessage(frame: Uint8Array): Message {
  if (frame.length < HEADER_SIZE) {
    throw new ProtocolError(ErrorCode.SizeTooSmall, `frame of ${frame.length} bytes is shorter than its header`);
  }
  const size = frameSize(frame);
  const type = frameType(frame);
  if (size < HEADER_SIZE) {
    throw new ProtocolError(ErrorCode.SizeTooSmall, `size field ${size} is below ${HEADER_SIZE}`, {
      messageType: type,
      field: 'size',
    });
  }
  if (size !== frame.length) {
    throw new ProtocolError(
      ErrorCode.FrameSizeMismatch,
      `size field says ${size} bytes, frame has ${frame.length}`,
      { messageType: type, field: 'size' },
    );
  }
  const codec = codecFor(type);
  if (!codec) {
    throw new ProtocolError(ErrorCode.UnknownType, `unknown message type ${type}`, { field: 'type' });
  }
  return codec.decode(frame, HEADER_SIZE, size);
}
