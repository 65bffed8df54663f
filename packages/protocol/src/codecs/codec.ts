import { ErrorCode, ProtocolError } from '../errors.js';
import type { Message, MessageType } from '../types.js';

/**
 * A stateless translation between one message type and its body bytes.
 * `bodySize` validates every field (throwing ProtocolError) and returns the
 * body length; `write` then writes a validated message at `offset`.
 * `decode` reads the body in `bytes[start, end)` and never past `end`.
 */
export interface Codec<M extends Message> {
  readonly type: MessageType;
  readonly name: string;
  bodySize(msg: M): number;
  write(msg: M, out: Uint8Array, offset: number): void;
  decode(bytes: Uint8Array, start: number, end: number): M;
}

export function checkUint(value: unknown, bits: 8 | 16 | 32, type: number, field: string): void {
  const max = bits === 32 ? 0xffffffff : (1 << bits) - 1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw new ProtocolError(ErrorCode.OutOfRange, `${String(value)} is not a u${bits} (0-${max})`, {
      messageType: type,
      field,
    });
  }
}

export function checkBytes(value: unknown, length: number, type: number, field: string): void {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    const got = value instanceof Uint8Array ? `${value.length} bytes` : typeof value;
    throw new ProtocolError(ErrorCode.OutOfRange, `must be ${length} bytes, got ${got}`, {
      messageType: type,
      field,
    });
  }
}

export function checkData(value: unknown, max: number, type: number): number {
  if (!(value instanceof Uint8Array)) {
    throw new ProtocolError(ErrorCode.OutOfRange, `must be a Uint8Array, got ${typeof value}`, {
      messageType: type,
      field: 'data',
    });
  }
  if (value.length > max) {
    throw new ProtocolError(ErrorCode.TooLarge, `${value.length} bytes exceed the limit of ${max}`, {
      messageType: type,
      field: 'data',
    });
  }
  return value.length;
}

/** Body must be exactly `length` bytes. */
export function expectExact(start: number, end: number, length: number, type: number): void {
  if (end - start !== length) {
    throw new ProtocolError(ErrorCode.BadLength, `body must be exactly ${length} bytes, got ${end - start}`, {
      messageType: type,
    });
  }
}

/** Body must hold at least the `length` bytes of fixed fields. */
export function expectAtLeast(start: number, end: number, length: number, type: number): void {
  if (end - start < length) {
    throw new ProtocolError(
      ErrorCode.BadLength,
      `body of ${end - start} bytes is shorter than its ${length} bytes of fixed fields`,
      { messageType: type },
    );
  }
}

export function readU16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

export function writeU16(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v & 0xff;
}

const U64_MAX = (1n << 64n) - 1n;

export function checkU64(value: unknown, type: number, field: string): void {
  if (typeof value !== 'bigint' || value < 0n || value > U64_MAX) {
    throw new ProtocolError(ErrorCode.OutOfRange, `${String(value)} is not a u64 bigint`, {
      messageType: type,
      field,
    });
  }
}

/**
 * 8 bytes through which u64s are converted: DataView's BigInt accessors convert without the
 * intermediate BigInts of shifts and masks (2-4 allocations per id otherwise).
 */
const scratch = new DataView(new ArrayBuffer(8));

/** Write a u64 (checked by checkU64) big-endian. */
export function writeU64(out: Uint8Array, o: number, v: bigint): void {
  scratch.setBigUint64(0, v);
  const hi = scratch.getUint32(0);
  const lo = scratch.getUint32(4);
  out[o] = hi >>> 24;
  out[o + 1] = (hi >>> 16) & 0xff;
  out[o + 2] = (hi >>> 8) & 0xff;
  out[o + 3] = hi & 0xff;
  out[o + 4] = lo >>> 24;
  out[o + 5] = (lo >>> 16) & 0xff;
  out[o + 6] = (lo >>> 8) & 0xff;
  out[o + 7] = lo & 0xff;
}

export function readU32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** Read a big-endian u64: one BigInt allocated (the result). */
export function readU64(b: Uint8Array, o: number): bigint {
  scratch.setUint32(0, readU32(b, o));
  scratch.setUint32(4, readU32(b, o + 4));
  return scratch.getBigUint64(0);
}
