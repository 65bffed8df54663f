import { createHash } from 'node:crypto';
import { HelloFlag } from '@gossip5/protocol';

/**
 * HELLO flag bit 1: content-derived message ids (docs/protocol.md). On a link where both ends set
 * it, every PEER NOTIFICATION's id must be contentId(data type, data); a mismatch closes the link.
 */
export const HELLO_FLAG_CONTENT_IDS = HelloFlag.ContentIds;

/**
 * Data of at most this many bytes (3 SHA-256 blocks with the type and padding) is hashed here in
 * JavaScript on reused state; larger data through node:crypto. Once optimised, a node:crypto Hash
 * per item (create, two updates, digest, a Buffer) costs 1.3-1.8 us at 64 B and grows slowly with
 * the size, the JavaScript about 0.35 us per 64-byte block: 0.7 us at 64 B, even at about 200 B
 * (packages/p2p/bench/content-id.ts, in BENCHMARKS.md).
 */
export const SMALL_CONTENT_BYTES = 181;

const K = Int32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
);
const IV = Int32Array.of(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19);
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

/** contentId by the SHA-256 (FIPS 180-4) below, on module state reused from call to call (any size; fastest when small). */
export function smallContentId(dataType: number, data: Uint8Array): bigint {
  const n = data.length;
  // The message is the 2-byte type, the data, 0x80, zeros, and its length in bits (64-bit big-endian).
  const total = n + 2;
  const blocks = Math.ceil((total + 9) / 64);
  const end = blocks * 64;
  const bitsHi = Math.floor(total / 0x20000000);
  const bitsLo = (total * 8) >>> 0;
  H.set(IV);
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
    compress();
  }
  OUT.setInt32(0, H[0]!);
  OUT.setInt32(4, H[1]!);
  return OUT.getBigUint64(0);
}

/** One SHA-256 compression of the block in W[0..15] into H. */
function compress(): void {
  const w = W;
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]!;
    const y = w[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = H[0]!;
  let b = H[1]!;
  let c = H[2]!;
  let d = H[3]!;
  let e = H[4]!;
  let f = H[5]!;
  let g = H[6]!;
  let h = H[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + K[i]! + w[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + S0 + maj) | 0;
  }
  H[0] = (H[0]! + a) | 0;
  H[1] = (H[1]! + b) | 0;
  H[2] = (H[2]! + c) | 0;
  H[3] = (H[3]! + d) | 0;
  H[4] = (H[4]! + e) | 0;
  H[5] = (H[5]! + f) | 0;
  H[6] = (H[6]! + g) | 0;
  H[7] = (H[7]! + h) | 0;
}

/** Whether `messageId` is the content-derived id of (dataType, data). */
export function isContentId(messageId: bigint, dataType: number, data: Uint8Array): boolean {
  return contentId(dataType, data) === messageId;
}
