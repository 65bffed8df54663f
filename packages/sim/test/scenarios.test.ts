import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { small } from './helpers.js';

test('steady: every node gets every item; the accounting adds up', async () => {
  const { result: r, series } = await small({ nodes: 60, items: 20, seed: 1 });
  assert.is(r.overlay.formed, true);
  assert.is(r.overlay.alone, 0);
  assert.is(r.overlay.components, 1);
  assert.is(r.delivery_ratio, 1);
  assert.is(r.expected_deliveries, 20 * 59);
  assert.is(r.deliveries, r.expected_deliveries);
  assert.is(r.unparsed_chunks, 0);
  assert.is(r.redelivered, 0);
  assert.ok(r.payload_sends_per_node_per_item >= 1 && r.payload_sends_per_node_per_item <= 8, String(r.payload_sends_per_node_per_item));
  assert.is(r.frames_while_publishing['PEER NOTIFICATION'], Math.round(r.payload_sends_per_node_per_item * 20 * 60));
  // One hop takes at least the smallest link delay; nothing arrives before the item existed.
  assert.ok(r.latency_p50_ms! >= 10 && r.latency_p50_ms! <= r.latency_p95_ms! && r.latency_p95_ms! <= r.latency_p99_ms!);
  assert.ok(r.last_delivery_hop_max! >= 2);
  assert.is(series.hopHistogram.reduce((a, b) => a + b, 0), r.deliveries);
  assert.is(series.latencyHistogram.reduce((a, b) => a + b, 0), r.deliveries);
  assert.ok(r.control_bytes_per_payload_byte > 0 && r.control_bytes_per_payload_byte < 1);
});

test('formation: a run that publishes before the overlay formed says what was missing', async () => {
  // No time to form: the last joiner has just started, so it has no neighbour yet.
  const { result: r } = await small({ nodes: 40, items: 2, seed: 1, formLimitMs: 0 });
  assert.is(r.overlay.formed, false);
  assert.ok(r.overlay.alone >= 1, JSON.stringify(r.overlay));
  assert.ok(r.overlay.components >= 1, JSON.stringify(r.overlay));
});

test('--boot-set: the bootstrapper alone gets its own limits', async () => {
  // 60 joiners in 30 ms: a bootstrapper taking one handshake at a time refuses most of them at first.
  const fast = { nodes: 60, items: 2, seed: 1, joinPerS: 2_000 };
  const tight = await small({ ...fast, bootInit: { maxPendingHandshakes: 1 } });
  const roomy = await small(fast);
  assert.ok((tight.result.drops_at_end['pending-handshakes-full'] ?? 0) > 0, JSON.stringify(tight.result.drops_at_end));
  assert.is(roomy.result.drops_at_end['pending-handshakes-full'] ?? 0, 0, JSON.stringify(roomy.result.drops_at_end));
  assert.equal(tight.result.config.boot_init, { maxPendingHandshakes: 1 });
  assert.is(tight.result.delivery_ratio, 1, 'the refused joiners got in later');
});

test('eager push: each node sends each item to every neighbour but the one it came from', async () => {
  const { result: r } = await small({ nodes: 60, items: 20, seed: 1, init: { lazyPush: false } });
  assert.is(r.delivery_ratio, 1);
  assert.ok(r.payload_sends_per_node_per_item > 5 && r.payload_sends_per_node_per_item <= 8, String(r.payload_sends_per_node_per_item));
  assert.ok(Math.abs(r.payload_sends_per_node_per_item_once_formed - r.payload_sends_per_node_per_item) < 0.5, 'no tree to form');
  assert.is(r.config.lazyPush, false);
});

test('hops along the chain of first copies agree with the ttl of ttl-limited items', async () => {
  const { result: r } = await small({ nodes: 50, items: 10, seed: 3, init: { lazyPush: false }, publishTtl: 255 });
  assert.is(r.delivery_ratio, 1);
  assert.is(r.hop_mismatches, 0);
  assert.ok(r.last_delivery_hop_max! >= 3);
});

test('lazy push (the engine default): every item still arrives, with fewer payload copies than eager push', async () => {
  const lazy = await small({ nodes: 60, items: 60, seed: 1 });
  const eager = await small({ nodes: 60, items: 60, seed: 1, init: { lazyPush: false } });
  assert.is(lazy.result.delivery_ratio, 1);
  assert.ok(lazy.result.frames_while_publishing['IHAVE']! > 0, 'ids were offered');
  assert.ok(lazy.result.payload_sends_per_node_per_item < eager.result.payload_sends_per_node_per_item / 2);
  // The tree forms on the first items (flooded meanwhile): the last two thirds cost less than the first tenth.
  const r = lazy.result;
  assert.is(r.payload_sends_by_tenth.length, 10);
  assert.ok(r.payload_sends_per_node_per_item_once_formed < r.payload_sends_by_tenth[0]!, JSON.stringify(r.payload_sends_by_tenth));
  assert.ok(r.payload_sends_per_node_per_item_once_formed < r.payload_sends_per_node_per_item);
});

test('200 items/s with a cache of 4: items stay pullable for the pull window, so repairs never miss', async () => {
  // 4 items are 20 ms of this flow, far shorter than a pull takes: without the retention the tree's
  // repairs asked for evicted items and 8 % of deliveries were lost (20 % with 2 % chunk loss).
  const fast = { nodes: 60, items: 300, seed: 1, publishPerS: 200, loss: 0.02 };
  const kept = await small({ ...fast, init: { cacheSize: 4 } });
  const bare = await small({ ...fast, init: { cacheSize: 4, knowledgeRetainMs: 0 } });
  assert.is(kept.result.delivery_ratio, 1);
  assert.ok(bare.result.delivery_ratio < 0.95, `without retention: ${bare.result.delivery_ratio}`);
  // The losses are counted where they happen: pulls given up after every announcer was asked (a few
  // still happen with the retention, for items that then came another way).
  const abandoned = (r: typeof bare.result): number => r.drops_at_end['pull-abandoned'] ?? 0;
  assert.ok(abandoned(bare.result) > 100 * Math.max(1, abandoned(kept.result)), JSON.stringify([bare.result.drops_at_end, kept.result.drops_at_end]));
});

test('fixed 50 ms links, eager push: every delivery takes a whole number of hops of 50 ms', async () => {
  const { result: r, series } = await small({
    nodes: 40,
    items: 10,
    seed: 2,
    latency: { kind: 'fixed', ms: 50 },
    init: { lazyPush: false },
  });
  assert.is(r.delivery_ratio, 1);
  series.latencyHistogram.forEach((count, ms) => {
    if (count > 0) assert.is(ms % 50, 0, `a delivery after ${ms} ms`);
  });
  // Hops and latency agree: the fastest path is the shortest one.
  assert.is(r.latency_max_ms, r.last_delivery_hop_max! * 50);
});

test('crash-silent:50: after a repair window the survivors get every item published after it', async () => {
  const { result: r } = await small({
    nodes: 60,
    items: 20,
    seed: 4,
    scenario: { kind: 'crash', percent: 50, silent: true },
    repairMs: 40_000,
  });
  assert.is(r.crashed, 30);
  assert.is(r.alive_at_end, 30);
  assert.is(r.expected_deliveries, 20 * 29);
  assert.is(r.delivery_ratio, 1);
});

test('crash:50 without time to repair: delivery is counted over the survivors only', async () => {
  const { result: r } = await small({
    nodes: 60,
    items: 5,
    seed: 4,
    scenario: { kind: 'crash', percent: 50, silent: true },
    repairMs: 0,
    drainMs: 2_000,
    publishPerS: 100,
  });
  assert.is(r.expected_deliveries, 5 * 29);
  assert.ok(r.deliveries <= r.expected_deliveries);
});

test('crash:80 (process crash: links end, dials refused): the survivors repair within 5 s and get every item', async () => {
  const { result: r } = await small({
    nodes: 100,
    items: 20,
    seed: 4,
    scenario: { kind: 'crash', percent: 80, silent: false },
    repairMs: 5_000,
  });
  assert.is(r.crashed, 80);
  assert.is(r.scenario, 'crash:80');
  assert.is(r.expected_deliveries, 20 * 19);
  assert.is(r.delivery_ratio, 1);
});

test('bootstrapper-death: the others keep spreading without it', async () => {
  const { result: r } = await small({ nodes: 40, items: 10, seed: 5, scenario: { kind: 'bootstrapper-death' }, repairMs: 30_000 });
  assert.is(r.crashed, 1);
  assert.is(r.expected_deliveries, 10 * 38);
  assert.is(r.delivery_ratio, 1);
});

test('churn: nodes join and leave while publishing; delivery counts the nodes that stayed', async () => {
  const { result: r } = await small({
    nodes: 60,
    items: 30,
    seed: 6,
    scenario: { kind: 'churn', joinPerS: 2, leavePerS: 2, leave: 'crash' },
  });
  assert.ok(r.joined_while_publishing > 0 && r.left_while_publishing > 0);
  assert.ok(r.delivery_ratio > 0.9, String(r.delivery_ratio));
  assert.ok(r.expected_deliveries < 30 * 59 + 30 * r.joined_while_publishing);
});

test.run();
