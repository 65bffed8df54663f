/**
 * Codec benchmark for @gossip5/protocol: plain performance.now() loops with a
 * warm-up, run on one core. Prints a table and writes bench-results/codec.json
 * at the repository root.
 *
 *   pnpm --filter @gossip5/protocol bench            # everything
 *   pnpm --filter @gossip5/protocol bench -- --quick # shorter rounds, no difficulty 20
 *   pnpm --filter @gossip5/protocol bench -- --only "encode peer"   # a subset of the cases
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededBytes } from '../test/helpers.js';
import {
  decodeMessage,
  encodeMessage,
  FrameDecoder,
  makePeerAddress,
  MessageType,
  solveProofOfWork,
  verifyProofOfWork,
  type Message,
} from '../src/index.js';

const quick = process.argv.includes('--quick');
/** `--only <text>`: run only the cases whose name contains the text (and PoW only if it matches "pow"). */
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? (process.argv[onlyAt + 1] ?? '') : undefined;
const selected = (name: string) => only === undefined || name.toLowerCase().includes(only.toLowerCase());
const ROUND_MS = quick ? 100 : 300;
const ROUNDS = quick ? 3 : 7;
const WARMUP_MS = quick ? 200 : 1000;

/** Deterministic bytes, so every run measures the same input (the tests' xorshift32 filler). */
const seeded = seededBytes;
const random = seeded(0x5eed);

let sink = 0; // keeps results observable so the loops are not optimised away

interface Rate {
  name: string;
  opsPerSec: number;
  nsPerOp: number;
  /** Megabytes (10^6 bytes) per second, when the case has a byte size. */
  mbPerSec?: number;
}

/**
 * Run `fn` (which performs `opsPerCall` operations over `bytesPerCall` bytes)
 * in timed rounds after a warm-up; report the median round.
 */
function measure(name: string, fn: () => void, opsPerCall = 1, bytesPerCall = 0): Rate | undefined {
  if (!selected(name)) return undefined;
  const runFor = (ms: number): { calls: number; elapsed: number } => {
    let calls = 0;
    const t0 = performance.now();
    let t = t0;
    // Check the clock every `batch` calls only, so timing costs little
    // (a call that runs a whole stream is long enough to time alone).
    const batch = opsPerCall > 1 ? 1 : 64;
    while (t - t0 < ms) {
      for (let i = 0; i < batch; i++) fn();
      calls += batch;
      t = performance.now();
    }
    return { calls, elapsed: t - t0 };
  };
  runFor(WARMUP_MS);
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const { calls, elapsed } = runFor(ROUND_MS);
    rates.push((calls * opsPerCall) / (elapsed / 1000));
  }
  rates.sort((a, b) => a - b);
  const opsPerSec = rates[Math.floor(rates.length / 2)]!;
  const rate: Rate = { name, opsPerSec, nsPerOp: 1e9 / opsPerSec };
  if (bytesPerCall > 0) rate.mbPerSec = (opsPerSec / opsPerCall) * bytesPerCall / 1e6;
  return rate;
}

// --- messages ----------------------------------------------------------------

const announce: Message = { type: MessageType.GossipAnnounce, ttl: 5, dataType: 1234, data: random(64) };
const peerNotification: Message = {
  type: MessageType.PeerNotification,
  ttl: 9,
  messageId: 0xfedcba9876543210n,
  dataType: 1234,
  data: random(1024),
};
const ping: Message = { type: MessageType.Ping, reply: false, token: 0xdeadbeef };
const validation: Message = { type: MessageType.GossipValidation, messageId: 77, valid: true };
const peerResponse: Message = {
  type: MessageType.PeerResponse,
  peers: [
    makePeerAddress('10.0.0.1', 6001),
    makePeerAddress('2001:db8::7', 6002),
    makePeerAddress('192.168.1.20', 6003),
    makePeerAddress('fe80::1:2:3:4', 6004),
  ],
};

const announceFrame = encodeMessage(announce);
const peerNotificationFrame = encodeMessage(peerNotification);
const pingFrame = encodeMessage(ping);
const validationFrame = encodeMessage(validation);
const peerResponseFrame = encodeMessage(peerResponse);

const codecRates = [
  measure(`encode ANNOUNCE, 64 B data (${announceFrame.length} B frame)`, () => {
    sink += encodeMessage(announce).length;
  }),
  measure(`decode ANNOUNCE, 64 B data (${announceFrame.length} B frame)`, () => {
    sink += (decodeMessage(announceFrame) as { dataType: number }).dataType;
  }),
  measure(`encode PEER NOTIFICATION, 1 KiB data (${peerNotificationFrame.length} B)`, () => {
    sink += encodeMessage(peerNotification).length;
  }),
  measure(`decode PEER NOTIFICATION, 1 KiB data (${peerNotificationFrame.length} B)`, () => {
    sink += (decodeMessage(peerNotificationFrame) as { dataType: number }).dataType;
  }),
  measure(`decode PING (${pingFrame.length} B)`, () => {
    sink += (decodeMessage(pingFrame) as { token: number }).token & 1;
  }),
  measure(`decode VALIDATION (${validationFrame.length} B)`, () => {
    sink += (decodeMessage(validationFrame) as { messageId: number }).messageId;
  }),
  measure(`encode PEER RESPONSE, 2 IPv4 + 2 IPv6 (${peerResponseFrame.length} B)`, () => {
    sink += encodeMessage(peerResponse).length;
  }),
  measure(`decode PEER RESPONSE, 2 IPv4 + 2 IPv6 (${peerResponseFrame.length} B)`, () => {
    sink += (decodeMessage(peerResponseFrame) as { peers: unknown[] }).peers.length;
  }),
].filter((r) => r !== undefined);

// --- FrameDecoder over a stream --------------------------------------------------

const CHUNK = 64 * 1024;

/** Concatenate frames until `total` bytes, cycling through `frames`. */
function makeStream(frames: Uint8Array[], total: number): { bytes: Uint8Array; count: number } {
  const parts: Uint8Array[] = [];
  let length = 0;
  let count = 0;
  for (let i = 0; length < total; i++) {
    const f = frames[i % frames.length]!;
    parts.push(f);
    length += f.length;
    count++;
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, count };
}

function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

// Mixed sizes: small API frames, 1 KiB and 16 KiB items, a near-maximal item, P2P control frames.
const mixedFrames = [
  announceFrame,
  pingFrame,
  peerNotificationFrame,
  validationFrame,
  encodeMessage({ ...(peerNotification as object), data: random(16 * 1024) } as Message),
  peerResponseFrame,
  encodeMessage({ type: MessageType.GossipNotification, messageId: 3, dataType: 7, data: random(200) }),
  encodeMessage({ ...(peerNotification as object), data: random(60_000) } as Message),
  encodeMessage({ type: MessageType.GossipNotify, dataType: 9 }),
];
const mixed = makeStream(mixedFrames, 16 * 1024 * 1024);
const mixedChunks = chunked(mixed.bytes, CHUNK);

const smallFrames = [announceFrame, pingFrame, validationFrame];
const small = makeStream(smallFrames, 4 * 1024 * 1024);
const smallChunks = chunked(small.bytes, CHUNK);

function splitOnly(chunks: Uint8Array[], expected: number): () => void {
  return () => {
    const d = new FrameDecoder();
    let n = 0;
    for (const c of chunks) n += d.push(c).length;
    if (n !== expected) throw new Error(`expected ${expected} frames, got ${n}`);
    sink += n;
  };
}

function splitAndDecode(chunks: Uint8Array[], expected: number): () => void {
  return () => {
    const d = new FrameDecoder();
    let n = 0;
    for (const c of chunks) {
      for (const f of d.push(c)) {
        sink += decodeMessage(f).type;
        n++;
      }
    }
    if (n !== expected) throw new Error(`expected ${expected} frames, got ${n}`);
  };
}

const streamRates = [
  measure(
    `FrameDecoder, mixed frames (${mixed.count} in ${(mixed.bytes.length / 2 ** 20).toFixed(0)} MiB), 64 KiB chunks`,
    splitOnly(mixedChunks, mixed.count),
    mixed.count,
    mixed.bytes.length,
  ),
  measure(
    'FrameDecoder + decodeMessage, mixed frames, 64 KiB chunks',
    splitAndDecode(mixedChunks, mixed.count),
    mixed.count,
    mixed.bytes.length,
  ),
  measure(
    `FrameDecoder, small frames (${small.count} in ${(small.bytes.length / 2 ** 20).toFixed(0)} MiB), 64 KiB chunks`,
    splitOnly(smallChunks, small.count),
    small.count,
    small.bytes.length,
  ),
  measure(
    'FrameDecoder + decodeMessage, small frames, 64 KiB chunks',
    splitAndDecode(smallChunks, small.count),
    small.count,
    small.bytes.length,
  ),
].filter((r) => r !== undefined);

// --- proof of work -----------------------------------------------------------

interface PowResult {
  difficulty: number;
  address: string;
  runs: number;
  meanMs: number;
  medianMs: number;
  maxMs: number;
  meanAttempts: number;
  hashesPerSec: number;
  /** 2^difficulty hashes at the measured rate: the long-run mean, steadier than a few runs. */
  expectedMs: number;
}

function powCase(difficulty: number, runs: number): PowResult {
  const address = makePeerAddress('192.0.2.10', 6001);
  const nonces = seeded(difficulty * 7919);
  solveProofOfWork(nonces(16), address, 12); // warm-up
  const times: number[] = [];
  let attempts = 0;
  for (let i = 0; i < runs; i++) {
    const nonce = nonces(16);
    const t0 = performance.now();
    const solution = solveProofOfWork(nonce, address, difficulty)!;
    times.push(performance.now() - t0);
    // The solver counts up from 0, so the solution's value is the attempts made minus one.
    attempts += Number(new DataView(solution.buffer, solution.byteOffset, 8).getBigUint64(0)) + 1;
  }
  const total = times.reduce((a, b) => a + b, 0);
  const sorted = [...times].sort((a, b) => a - b);
  return {
    difficulty,
    address: '192.0.2.10:6001 (IPv4)',
    runs,
    meanMs: total / runs,
    medianMs: sorted[Math.floor(runs / 2)]!,
    maxMs: sorted[runs - 1]!,
    meanAttempts: attempts / runs,
    hashesPerSec: attempts / (total / 1000),
    expectedMs: (2 ** difficulty / (attempts / (total / 1000))) * 1000,
  };
}

const powAddress = makePeerAddress('192.0.2.10', 6001);
const powNonce = seeded(77)(16);
const powSolution = solveProofOfWork(powNonce, powAddress, 12)!;
const verifyRate = measure('verifyProofOfWork, IPv4, difficulty 12', () => {
  sink += verifyProofOfWork(powNonce, powAddress, powSolution, 12) ? 1 : 0;
});

const powResults: PowResult[] = [];
if (selected('pow')) {
  powResults.push(powCase(16, quick ? 8 : 32), powCase(18, quick ? 4 : 16));
  if (!quick) powResults.push(powCase(20, 16));
}

// --- report --------------------------------------------------------------------

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  node: process.version,
  date: new Date().toISOString(),
};

console.log(`\n@gossip5/protocol codec benchmark (${machine.cpu}, ${machine.cores} cores, Node ${machine.node})`);
console.log(`rounds: ${ROUNDS} x ${ROUND_MS} ms after ${WARMUP_MS} ms warm-up; median round shown\n`);
const w = 62;
console.log(`${'case'.padEnd(w)} ${'ops/s'.padStart(12)} ${'ns/op'.padStart(8)} ${'MB/s'.padStart(8)}`);
for (const r of [...codecRates, ...streamRates, verifyRate].filter((r) => r !== undefined)) {
  console.log(
    `${r.name.padEnd(w)} ${fmt(r.opsPerSec).padStart(12)} ${fmt(r.nsPerOp, 1).padStart(8)} ${(r.mbPerSec === undefined ? '' : fmt(r.mbPerSec)).padStart(8)}`,
  );
}
console.log(
  `\n${'proof of work (solve)'.padEnd(28)} ${'runs'.padStart(5)} ${'mean ms'.padStart(9)} ${'median'.padStart(8)} ${'max'.padStart(8)} ${'hashes/s'.padStart(11)} ${'2^d/rate ms'.padStart(12)}`,
);
for (const p of powResults) {
  console.log(
    `${`difficulty ${p.difficulty}, IPv4`.padEnd(28)} ${String(p.runs).padStart(5)} ${fmt(p.meanMs, 1).padStart(9)} ${fmt(p.medianMs, 1).padStart(8)} ${fmt(p.maxMs, 1).padStart(8)} ${fmt(p.hashesPerSec).padStart(11)} ${fmt(p.expectedMs, 1).padStart(12)}`,
  );
}

if (only === undefined) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const outDir = join(root, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  const outFile = join(outDir, 'codec.json');
  writeFileSync(
    outFile,
    `${JSON.stringify({ machine, quick, codec: codecRates, stream: streamRates, verify: verifyRate, pow: powResults }, null, 2)}\n`,
  );
  console.log(`\nwrote ${outFile}`);
} else {
  console.log('\n--only given: bench-results/codec.json left unchanged');
}
if (sink === 0.5) console.log(sink); // never true; keeps `sink` alive
