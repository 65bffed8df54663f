import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { machineFree, small } from './helpers.js';

test('50 nodes x 20 items: the same seed gives the same trace and result, another seed another trace', async () => {
  const a = await small({ nodes: 50, items: 20, seed: 7 });
  const b = await small({ nodes: 50, items: 20, seed: 7 });
  const c = await small({ nodes: 50, items: 20, seed: 8 });
  assert.match(a.result.trace_sha256, /^[0-9a-f]{64}$/);
  assert.is(a.result.trace_sha256, b.result.trace_sha256);
  assert.equal(machineFree(a.result), machineFree(b.result));
  assert.equal(a.series, b.series);
  assert.is.not(a.result.trace_sha256, c.result.trace_sha256);
  // The trace holds every delivery, publish, join and link change, not just a few events.
  assert.ok(a.result.trace_records > a.result.deliveries + 20 + 50);
});

test('the latency model and loss are part of the run: another latency range gives another trace', async () => {
  const a = await small({ nodes: 30, items: 5, seed: 3 });
  const b = await small({ nodes: 30, items: 5, seed: 3, latency: { kind: 'uniform', minMs: 5, maxMs: 50 } });
  const c = await small({ nodes: 30, items: 5, seed: 3, loss: 0.05 });
  const d = await small({ nodes: 30, items: 5, seed: 3, loss: 0.05 });
  assert.is.not(a.result.trace_sha256, b.result.trace_sha256);
  assert.is.not(a.result.trace_sha256, c.result.trace_sha256);
  assert.is(c.result.trace_sha256, d.result.trace_sha256);
  assert.is(c.result.delivery_ratio, 1);
});

test.run();
