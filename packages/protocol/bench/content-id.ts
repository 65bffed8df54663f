/**
 * Cost of one content id (docs/protocol.md, HELLO bit 1), in this process: node:crypto against the
 * JavaScript SHA-256 on reused state, at several data sizes, interleaved; the first 1 000 calls of a
 * fresh process are shown apart (not yet optimised). Sets SMALL_CONTENT_BYTES in src/content-id.ts.
 *
 *   pnpm --filter @gossip5/protocol exec tsx bench/content-id.ts
 */
import { randomBytes } from 'node:crypto';
import { cryptoContentId, smallContentId } from '../src/content-id.js';

const ways = [
  ['node:crypto', cryptoContentId],
  ['JavaScript', smallContentId],
] as const;

function perCall(f: (t: number, d: Uint8Array) => bigint, items: Uint8Array[], calls: number): number {
  let x = 0n;
  const t0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) x ^= f(42, items[i % items.length]!);
  const c = process.cpuUsage(t0);
  if (x === -1n) console.log('unreachable');
  return (c.user + c.system) / calls;
}

const first = Array.from({ length: 1000 }, () => randomBytes(64));
for (const [name, f] of ways) console.log(`first 1000 calls, 64 B, ${name}: ${perCall(f, first, 1000).toFixed(2)} us/id`);
for (const size of [64, 128, 181, 247, 512, 1024]) {
  const items = Array.from({ length: 1000 }, () => randomBytes(size));
  for (let round = 0; round < 2; round++) {
    for (const [name, f] of ways) console.log(`${size} B, ${name}: ${perCall(f, items, 100_000).toFixed(3)} us/id`);
  }
}
