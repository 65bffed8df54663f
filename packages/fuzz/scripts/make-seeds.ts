/**
 * Regenerate corpus/ from the golden vectors of @gossip5/protocol's tests:
 * every hex frame literal in packages/protocol/test/*.test.ts (`hex: '...'`
 * fields and `hex('...')` calls, with `${CONST}` pieces resolved from string
 * constants of the same file) whose size field matches its length. Each
 * target gets them in its own input format. Run: `pnpm --filter @gossip5/fuzz seeds`.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  encodeMessage,
  frameType,
  isKnownType,
  MessageType,
  NONCE_SIZE,
  SOLUTION_SIZE,
  type Message,
  type PeerAddress,
} from '@gossip5/protocol';
import { CORPUS_DIR, PACKAGE_DIR } from '../src/corpus.js';
import { unsplit } from '../src/harness/split.js';

const TEST_DIR = join(PACKAGE_DIR, '..', 'protocol', 'test');

function hexBytes(text: string): Uint8Array | undefined {
  const clean = text.replace(/[\s|]/g, '');
  if (clean.length === 0 || clean.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(clean)) return undefined;
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

/** Golden frames, in file order, without duplicates. */
export function goldenFrames(): Uint8Array[] {
  const seen = new Set<string>();
  const frames: Uint8Array[] = [];
  for (const file of readdirSync(TEST_DIR).filter((f) => f.endsWith('.test.ts')).sort()) {
    const src = readFileSync(join(TEST_DIR, file), 'utf8');
    const consts = new Map<string, string>();
    for (const m of src.matchAll(/const\s+([A-Z][A-Z0-9_]*)\s*=\s*'([0-9a-fA-F\s|]*)'/g)) consts.set(m[1]!, m[2]!);
    const literals = [
      ...src.matchAll(/hex:\s*(['`])([^'`]*)\1/g),
      ...src.matchAll(/hex\((['`])([^'`]*)\1\)/g),
    ].map((m) => m[2]!);
    for (const lit of literals) {
      const text = lit.replace(/\$\{([A-Z][A-Z0-9_]*)\}/g, (_all, name: string) => consts.get(name) ?? 'zz');
      const bytes = hexBytes(text);
      if (!bytes || bytes.length < 4 || ((bytes[0]! << 8) | bytes[1]!) !== bytes.length) continue;
      const key = Buffer.from(bytes).toString('hex');
      if (seen.has(key)) continue;
      seen.add(key);
      frames.push(bytes);
    }
  }
  return frames;
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

/** The file name of a seed: its content hash. */
export function seedName(input: Uint8Array): string {
  return createHash('sha1').update(input).digest('hex').slice(0, 16);
}

const enc = (m: Message): Uint8Array => encodeMessage(m);
const A: PeerAddress = { family: 4, host: '127.0.0.9', port: 6001 };

/** Seeds of every target, in its input format. */
export function seedSets(): Map<string, Uint8Array[]> {
  const sets = new Map<string, Uint8Array[]>();
  const write = (target: string, inputs: Uint8Array[]): void => {
    sets.set(target, inputs);
  };
  const frames = goldenFrames();
  const byType = new Map<number, Uint8Array[]>();
  for (const f of frames) {
    const t = frameType(f);
    if (!byType.has(t)) byType.set(t, []);
    byType.get(t)!.push(f);
  }
  for (let t = 0; t < 0x10000; t++) {
    if (!isKnownType(t)) continue;
    write(`decode-${t}`, (byType.get(t) ?? []).map((f) => f.slice(4)));
  }
  const LIMIT_65535 = new Uint8Array([7]);
  write('frame-decoder', [
    concat([LIMIT_65535, unsplit(concat(frames))]),
    ...frames.map((f) => concat([LIMIT_65535, unsplit(f)])),
  ]);

  const api = frames.filter((f) => [500, 501, 503].includes(frameType(f)));
  const notify7 = enc({ type: MessageType.GossipNotify, dataType: 7 });
  const valid0 = enc({ type: MessageType.GossipValidation, messageId: 0, valid: true });
  const announce = enc({ type: MessageType.GossipAnnounce, ttl: 3, dataType: 7, data: new Uint8Array([1, 2, 3]) });
  write('api-connection', [
    ...api.map(unsplit),
    unsplit(concat(api)),
    // NOTIFY in the first chunk (cut after it), so the probe delivery reaches this module, then its answer.
    concat([new Uint8Array([1, 0, notify7.length]), notify7, valid0, announce]),
    unsplit(frames.find((f) => frameType(f) === 511)!),
    // Bit 4 of byte 0: the clock then passes the timeouts. Subscribed and never answering:
    concat([new Uint8Array([0x11, 0, notify7.length]), notify7]),
    // Half a frame left waiting:
    concat([new Uint8Array([0x10]), announce.subarray(0, 6)]),
  ]);

  const p2p = frames.filter((f) => frameType(f) >= 504);
  const nonce = new Uint8Array(NONCE_SIZE); // the handshake target's node draws zeros
  const hello = enc({ type: MessageType.Hello, version: 1, address: A });
  const response = enc({ type: MessageType.VerificationResponse, nonce, solution: new Uint8Array(SOLUTION_SIZE), address: A });
  const item = enc({ type: MessageType.PeerNotification, ttl: 3, messageId: 42n, dataType: 7, data: new Uint8Array([7]) });
  const ping = enc({ type: MessageType.Ping, reply: false, token: 9 });
  const request = enc({ type: MessageType.PeerRequest, max: 4 });
  write('p2p-handshake', [
    ...p2p.map(unsplit),
    unsplit(hello),
    unsplit(concat([hello, response])),
    unsplit(concat([hello, response, item, ping, request])),
  ]);
  // Bit 4 of byte 0: the harness offers lazy push in its HELLO, so IHAVE, GRAFT and PRUNE are in play.
  const lazy = (stream: Uint8Array): Uint8Array => concat([new Uint8Array([0x10]), stream]);
  write('p2p-link', [
    ...p2p.map(unsplit),
    unsplit(concat([item, item, ping, request])),
    unsplit(concat(p2p)),
    ...p2p.map(lazy),
    lazy(concat([item, item, ping, request])),
  ]);
  return sets;
}

function main(): void {
  for (const [target, inputs] of seedSets()) {
    const dir = join(CORPUS_DIR, target);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const input of inputs) writeFileSync(join(dir, seedName(input)), input);
  }
  console.log(`${goldenFrames().length} golden frames -> ${CORPUS_DIR}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
