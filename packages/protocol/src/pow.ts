import { NONCE_SIZE, SOLUTION_SIZE } from './constants.js';
import { ErrorCode, ProtocolError } from './errors.js';
import { peerAddressSize, writePeerAddress } from './peer-address.js';
import { createHash } from 'node:crypto';
import { compress, pad, partialRounds, SHA256_IV, wordAt } from './sha256.js';
import type { PeerAddress } from './types.js';

/**
 * Proof of work of the HELLO handshake: find an 8-byte `solution` such that
 * SHA-256(nonce || PeerAddress bytes || solution) starts with `difficulty`
 * zero bits. The PeerAddress is encoded exactly as on the wire (family, port,
 * address), so a solution is bound to one nonce and one identity.
 */

function checkInputs(nonce: Uint8Array, difficulty: number): void {
  if (!(nonce instanceof Uint8Array) || nonce.length !== NONCE_SIZE) {
    throw new ProtocolError(ErrorCode.OutOfRange, `nonce must be ${NONCE_SIZE} bytes`, { field: 'nonce' });
  }
  if (!Number.isInteger(difficulty) || difficulty < 0 || difficulty > 255) {
    throw new ProtocolError(ErrorCode.OutOfRange, `difficulty ${difficulty} is not a u8`, {
      field: 'difficulty',
    });
  }
}

/** The bytes that are hashed: nonce || PeerAddress || solution. */
export function powInput(nonce: Uint8Array, address: PeerAddress, solution: Uint8Array): Uint8Array {
  const out = new Uint8Array(NONCE_SIZE + peerAddressSize(address) + SOLUTION_SIZE);
  out.set(nonce, 0);
  const at = writePeerAddress(out, NONCE_SIZE, address);
  out.set(solution, at);
  return out;
}

/** Number of leading zero bits of a digest. */
export function leadingZeroBits(digest: Uint8Array): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

/** Check a solution: one hash. */
export function verifyProofOfWork(
  nonce: Uint8Array,
  address: PeerAddress,
  solution: Uint8Array,
  difficulty: number,
): boolean {
  checkInputs(nonce, difficulty);
  if (!(solution instanceof Uint8Array) || solution.length !== SOLUTION_SIZE) return false;
  // One hash per handshake: node:crypto, so what accepts a peer does not rest on our own SHA-256.
  return leadingZeroBits(createHash('sha256').update(powInput(nonce, address, solution)).digest()) >= difficulty;
}

export interface SolveOptions {
  /** First candidate, as a u64 counter (default 0n). Lets several workers split the space. */
  start?: bigint;
  /** Give up after this many hashes and return undefined (default: never). */
  maxAttempts?: number;
}

/**
 * Find a solution by counting up from `start`. Expected cost: 2^difficulty
 * hashes. Pure and synchronous: run it in a worker thread, never on an event
 * loop that serves connections.
 */
export function solveProofOfWork(
  nonce: Uint8Array,
  address: PeerAddress,
  difficulty: number,
  options: SolveOptions = {},
): Uint8Array | undefined {
  checkInputs(nonce, difficulty);
  if (difficulty > 64) {
    throw new ProtocolError(ErrorCode.OutOfRange, `difficulty ${difficulty} cannot be solved with an 8-byte solution`, {
      field: 'difficulty',
    });
  }
  const start = options.start ?? 0n;
  if (typeof start !== 'bigint' || start < 0n || start > 0xffffffffffffffffn) {
    throw new ProtocolError(ErrorCode.OutOfRange, `start ${String(start)} is not a u64 bigint`, { field: 'start' });
  }
  const maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
  const input = powInput(nonce, address, new Uint8Array(SOLUTION_SIZE));
  const solAt = input.length - SOLUTION_SIZE; // 23 for IPv4, 35 for IPv6: one 64-byte block either way
  const block = pad(input);
  const w = new Int32Array(64);
  for (let i = 0; i < 16; i++) w[i] = wordAt(block, i);
  // Rounds before the first word that holds solution bytes never change: compute them once.
  const firstVarWord = solAt >> 2;
  const mid = new Int32Array(8);
  partialRounds(w, SHA256_IV, firstVarWord, mid);
  const v = new Int32Array(8);
  const out = new Int32Array(8);
  const wordsToCheck = Math.ceil(difficulty / 32);
  const rest = difficulty % 32;

  let hi = Number((start >> 32n) & 0xffffffffn);
  let lo = Number(start & 0xffffffffn);
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    block[solAt] = hi >>> 24;
    block[solAt + 1] = (hi >>> 16) & 0xff;
    block[solAt + 2] = (hi >>> 8) & 0xff;
    block[solAt + 3] = hi & 0xff;
    block[solAt + 4] = lo >>> 24;
    block[solAt + 5] = (lo >>> 16) & 0xff;
    block[solAt + 6] = (lo >>> 8) & 0xff;
    block[solAt + 7] = lo & 0xff;
    for (let i = firstVarWord; i <= (solAt + 7) >> 2; i++) w[i] = wordAt(block, i);
    v.set(mid);
    compress(w, v, SHA256_IV, out, firstVarWord);
    let ok = true;
    for (let i = 0; i < wordsToCheck; i++) {
      const word = out[i]!;
      const last = i === wordsToCheck - 1 && rest !== 0;
      if (last ? word >>> (32 - rest) !== 0 : word !== 0) {
        ok = false;
        break;
      }
    }
    if (ok) return block.slice(solAt, solAt + SOLUTION_SIZE);
    lo = (lo + 1) >>> 0;
    if (lo === 0) hi = (hi + 1) >>> 0;
  }
  return undefined;
}
