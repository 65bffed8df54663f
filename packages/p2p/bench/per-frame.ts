/**
 * The per-frame path of one node, in process: what a received PEER NOTIFICATION (new, or a
 * duplicate) and a received IHAVE cost, from the frame as the socket hands it over (decode
 * included) to the spreader's decision, with a validator that answers at once and neighbours that
 * only count frames. Not a network figure: the dissemination bench in packages/daemon is.
 *
 *   pnpm --filter @gossip5/p2p bench            (or: tsx bench/per-frame.ts [--items N] [--json])
 */
import { parseArgs } from 'node:util';
import { decodeMessage, encodeMessage, MessageType, type Message, type PeerNotification } from '@gossip5/protocol';
import { Counters } from '../src/counters.js';
import { silentLogger } from '../src/defaults.js';
import { KnowledgeBase } from '../src/spread/knowledge-base.js';
import { LazyPush } from '../src/spread/lazy-push.js';
import { SeenIds } from '../src/spread/seen-ids.js';
import { Spreader } from '../src/spread/spreader.js';
import { seededRandom } from '../src/testing/seeded-random.js';
import type { Link } from '../src/transport/link.js';
import type { Clock } from '../src/types.js';

const { values } = parseArgs({ options: { items: { type: 'string', default: '200000' }, json: { type: 'boolean', default: false } } });
const N = Number(values.items);

/** A clock whose timers run on the next turn (the IHAVE batches), time from performance.now(). */
const clock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** A neighbour that counts what it is sent. */
function fakeLink(key: string, flags: number): Link {
  let frames = 0;
  return {
    key,
    remote: key,
    state: 'established',
    flags,
    queuedBytes: 0,
    itemsIn: 0,
    itemsOut: 0,
    sendFrame: () => {
      frames++;
      return true;
    },
    send: () => true,
    pauseReading() {},
    resumeReading() {},
    close() {},
    get frames() {
      return frames;
    },
  } as unknown as Link;
}

function node(lazy: boolean) {
  const counters = new Counters(silentLogger, clock, 10_000);
  const seen = new SeenIds({ clock, ttlMs: 600_000, limit: 10_000_000, seed: [1, 2] });
  const knowledge = new KnowledgeBase(1000, 16 << 20, clock);
  const links = Array.from({ length: 9 }, (_, i) => fakeLink(`127.0.0.1:${7000 + i}`, lazy ? 1 : 0));
  const lp = lazy
    ? new LazyPush({ clock, counters, seen, knowledge, pullTimeoutMs: 1000, pullRetryMs: 500, maxPendingPulls: 1 << 20, serveQueueBytes: 1 << 20, optimizeLagMs: 0, ihaveDelayMs: 0, pruneAfterDuplicates: 16, forgiveAfterFirstCopies: 1, neighbours: () => links })
    : undefined;
  // As in a formed tree: the first link is the parent, the others get ids only.
  if (lp) for (const l of links.slice(1)) lp.modes.prune(l);
  const spreader = new Spreader({
    random: seededRandom(5),
    // The daemon's path: check() with the verdict handed back at once (validate() is the Promise path).
    validator: { validate: () => Promise.resolve('valid'), check: (item, decided) => decided(item, 'valid') },
    counters,
    logger: silentLogger,
    // The default: each new item's id is hashed once (SHA-256 of 64 B) to know whether it is content-derived.
    contentIds: true,
    seen,
    knowledge,
    lazy: lp,
    relayUnsubscribed: true,
    maxPendingValidations: 1 << 20,
    neighbours: () => links,
    neighbourCount: () => links.length,
    accepted: () => {},
  });
  const onMessage = (link: Link, msg: Message) => {
    if (msg.type === MessageType.PeerNotification) spreader.onNotification(link, msg);
    else if (lp && (msg.type === MessageType.IHave || msg.type === MessageType.Graft || msg.type === MessageType.Prune)) lp.onMessage(link, msg);
  };
  return { spreader, links, onMessage, counters, stop: () => spreader.stop() };
}

function frames(count: number, offset: bigint): Uint8Array[] {
  const data = new Uint8Array(64).fill(0x62);
  return Array.from({ length: count }, (_, i) => {
    const m: PeerNotification = { type: MessageType.PeerNotification, ttl: 0, messageId: offset + BigInt(i) * 0x9e3779b97f4a7c15n % (1n << 64n), dataType: 42, data };
    return Buffer.from(encodeMessage(m)); // socket reads are Buffers
  });
}

function ihaves(count: number, offset: bigint, perFrame: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i += perFrame) {
    const entries = Array.from({ length: Math.min(perFrame, count - i) }, (_, k) => ({ messageId: offset + BigInt(i + k) * 0x9e3779b97f4a7c15n % (1n << 64n), ttl: 0 }));
    out.push(Buffer.from(encodeMessage({ type: MessageType.IHave, entries })));
  }
  return out;
}

/** Long enough for the IHAVE batches (ihaveDelayMs 0 here: the next timer turn) to leave within the measured run. */
async function settle(): Promise<void> {
  await new Promise((r) => globalThis.setTimeout(r, 10));
}

/**
 * CPU ns (user + system of this process, so that other processes on a shared machine count less)
 * per frame of handling `fs` (decode + handler), verdict promises drained after.
 */
async function run(name: string, fs: Uint8Array[], handle: (f: Uint8Array) => void, per: number): Promise<{ name: string; ns: number }> {
  const t0 = process.cpuUsage();
  for (const f of fs) handle(f);
  await settle();
  const used = process.cpuUsage(t0);
  const ns = ((used.user + used.system) * 1000) / (fs.length * per);
  return { name, ns };
}

async function main(): Promise<void> {
  const results: Array<{ name: string; ns: number }> = [];
  for (const round of [0, 1, 2, 3, 4]) {
    for (const lazy of [false, true]) {
      const n = node(lazy);
      const parent = n.links[0]!;
      const other = n.links[1]!;
      const fresh = frames(N, BigInt(round + 1) << 40n);
      const handle = (link: Link) => (f: Uint8Array) => n.onMessage(link, decodeMessage(f));
      const rNew = await run(`new PEER NOTIFICATION (lazy push ${lazy ? 'on' : 'off'})`, fresh, handle(parent), 1);
      const rDup = await run(`duplicate PEER NOTIFICATION (lazy push ${lazy ? 'on' : 'off'})`, fresh, handle(other), 1);
      if (round > 0) results.push(rNew, rDup);
      if (lazy) {
        const known = ihaves(N, BigInt(round + 1) << 40n, 8);
        const r = await run('IHAVE entry for a seen id (8 per frame)', known, handle(other), 8);
        if (round > 0) results.push(r);
      }
      n.stop();
    }
  }
  // Median of the measured rounds, by name.
  const byName = new Map<string, number[]>();
  for (const r of results) byName.set(r.name, [...(byName.get(r.name) ?? []), r.ns]);
  const rows = [...byName].map(([name, v]) => ({ name, ns: v.sort((a, b) => a - b)[Math.floor(v.length / 2)]! }));
  if (values.json) console.log(JSON.stringify(rows));
  else {
    console.log(`per-frame path, ${N} frames per case, 9 neighbours (lazy: 1 eager, 8 lazy), Node ${process.version}`);
    for (const r of rows) console.log(`${r.name.padEnd(48)} ${(r.ns / 1000).toFixed(2).padStart(7)} us`);
  }
}

await main();
