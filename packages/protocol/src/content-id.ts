import { createHash } from 'node:crypto';
import { compress, SHA256_IV } from './sha256.js';

/*
 * Content-derived message ids (docs/protocol.md, HELLO flag bit 1): the id of an item is the first
 * 8 bytes of SHA-256(data_type as u16 big-endian || data), read as an unsigned 64-bit integer.
 */

/**
 * Data of at most this many bytes (3 SHA-256 blocks with the type and padding) is hashed here in
 * JavaScript on reused state; larger data through node:crypto. Once optimised, a node:crypto Hash
 * per item (create, two updates, digest, a Buffer) costs 1.3-1.8 us at 64 B and grows slowly with
 * the size, the JavaScript about 0.35 us per 64-byte block: 0.7 us at 64 B, even at about 200 B
 * (bench/content-id.ts, in BENCHMARKS.md).
 */
export const SMALL_CONTENT_BYTES = 181;

const H = new Int32Array(8);
const W = new Int32Array(64);
const OUT = new DataView(new ArrayBuffer(8));

/** The first 8 bytes of SHA-256(data_type u16 big-endian || data), as an unsigned 64-bit id. */
export function contentId(dataType: number, data: Uint8Array): bigint {
  return data.length <= SMALL_CONTENT_BYTES ? smallContentId(dataType, data) : cryptoContentId(dataType, data);
}

/** contentId through node:crypto (any size). */
export function cryptoContentId(dataType: number, data: Uint8Array): bigint {
  const h = createHash('sha256');
  h.update(Uint8Array.of(dataType >>> 8, dataType & 0xff));
  h.update(data);
  return h.digest().readBigUInt64BE(0);
}

/** contentId by this package's SHA-256 compression (FIPS 180-4), on module state reused from call to call (any size; fastest when small). */
export function smallContentId(dataType: number, data: Uint8Array): bigint {
  const n = data.length;
  // The message is the 2-byte type, the data, 0x80, zeros, and its length in bits (64-bit big-endian).
  const total = n + 2;
  const blocks = Math.ceil((total + 9) / 64);
  const end = blocks * 64;
  const bitsHi = Math.floor(total / 0x20000000);
  const bitsLo = (total * 8) >>> 0;
  H.set(SHA256_IV);
  let p = 0;
  for (let b = 0; b < blocks; b++) {
    for (let i = 0; i < 16; i++, p += 4) {
      let word: number;
      if (p >= 2 && p + 4 <= total) {
        // Wholly inside the data: the common case.
        const o = p - 2;
        word = (data[o]! << 24) | (data[o + 1]! << 16) | (data[o + 2]! << 8) | data[o + 3]!;
      } else if (p === end - 8) {
        word = bitsHi;
      } else if (p === end - 4) {
        word = bitsLo;
      } else {
        word = 0;
        for (let k = 0; k < 4; k++) {
          const q = p + k;
          let byte = 0;
          if (q === 0) byte = (dataType >>> 8) & 0xff;
          else if (q === 1) byte = dataType & 0xff;
          else if (q < total) byte = data[q - 2]!;
          else if (q === total) byte = 0x80;
          word = (word << 8) | byte;
        }
      }
      W[i] = word;
    }
    compress(W, H, H, H, 0);
  }
  OUT.setInt32(0, H[0]!);
  OUT.setInt32(4, H[1]!);
  return OUT.getBigUint64(0);
}
