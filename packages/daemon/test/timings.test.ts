import { EventEmitter } from 'node:events';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '@gossip5/testkit';
import pino from 'pino';
import type { ApiServer } from '@gossip5/api';
import type { ReceivedItem, Verdict } from '@gossip5/p2p';
import { Bridge } from '../src/bridge.js';
import { Timings } from '../src/timings.js';

async function counts(t: Timings): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const h of [t.validation, t.join]) {
    for (const v of (await h.get()).values) {
      const le = v.labels['le'];
      out[`${v.metricName}${le === undefined ? '' : `{${le}}`}`] = v.value;
    }
  }
  return out;
}

test('join time: from start to the first neighbour, and from losing the last one to the next', async () => {
  const clock = new FakeClock(1_000);
  const t = new Timings(clock);
  const p2p = Object.assign(new EventEmitter(), { list: [] as string[], neighbours() { return this.list; } });
  t.watchJoins(p2p as never);
  clock.advance(400);
  p2p.list = ['a'];
  p2p.emit('neighbour-up', 'a');
  clock.advance(5_000);
  p2p.list = ['a', 'b'];
  p2p.emit('neighbour-up', 'b'); // not alone before: no join
  p2p.list = ['b'];
  p2p.emit('neighbour-down', 'a'); // still one left: not alone
  clock.advance(100);
  p2p.list = [];
  p2p.emit('neighbour-down', 'b');
  clock.advance(20_000);
  p2p.list = ['c'];
  p2p.emit('neighbour-up', 'c');
  const c = await counts(t);
  assert.is(c['gossip5_join_seconds_count'], 2);
  assert.ok(Math.abs(c['gossip5_join_seconds_sum']! - 20.4) < 1e-9, String(c['gossip5_join_seconds_sum']));
  assert.is(c['gossip5_join_seconds_bucket{0.5}'], 1);
  assert.is(c['gossip5_join_seconds_bucket{30}'], 2);
});

test('validation latency: the bridge observes one duration per network item, on the clock (validate and check)', async () => {
  const clock = new FakeClock(0);
  const t = new Timings(clock);
  const answers: Array<() => void> = [];
  const api = {
    deliverThen: <T>(_item: unknown, token: T, done: (token: T, v: Verdict) => void) => answers.push(() => done(token, 'valid')),
  } as unknown as ApiServer;
  const bridge = new Bridge(api, pino({ level: 'silent' }), { now: () => clock.now(), validation: t.validation });
  // The overlay hands each network item as its own object.
  const item = (id: bigint) => ({ messageId: id, ttl: 0, dataType: 9, data: new Uint8Array(1), from: 'x' }) as unknown as ReceivedItem;
  const first = bridge.validator.validate(item(1n));
  const second = bridge.validator.validate(item(2n));
  const checked: Array<[bigint, Verdict]> = [];
  bridge.validator.check!(item(3n), (it, v) => checked.push([it.messageId, v]));
  answers[0]!();
  assert.is(await first, 'valid');
  clock.advance(3);
  answers[1]!();
  assert.is(await second, 'valid');
  clock.advance(7);
  answers[2]!();
  assert.equal(checked, [[3n, 'valid']]);
  const c = await counts(t);
  assert.is(c['gossip5_validation_seconds_count'], 3);
  assert.is(c['gossip5_validation_seconds_bucket{0.001}'], 1, 'the instant one');
  assert.is(c['gossip5_validation_seconds_bucket{0.005}'], 2);
  assert.is(c['gossip5_validation_seconds_bucket{0.01}'], 3);
  assert.ok(Math.abs(c['gossip5_validation_seconds_sum']! - 0.013) < 1e-9);
  assert.equal(bridge.stats.verdicts, { valid: 3, invalid: 0, unsubscribed: 0 });
});

test.run();
