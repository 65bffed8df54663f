import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makePeerAddress } from '@gossip5/protocol';
import { MEMORY_RECEIVE_BUFFER_BYTES, MemoryNetwork } from '../../src/transport/memory.js';
import type { Connection, DialFailure } from '../../src/transport/types.js';
import { Scheduler } from '../../src/testing/scheduler.js';

function pair(latency = 10) {
  const clock = new Scheduler();
  const net = new MemoryNetwork({ clock, latency: () => latency });
  const accepted: Connection[] = [];
  const a = net.endpoint('10.0.0.1');
  const b = net.endpoint('10.0.0.2');
  return { clock, net, a, b, accepted };
}

const failure = (p: Promise<unknown>) => p.then(() => undefined, (f: DialFailure) => f);

test('a dial reaches the listener after one delay and resolves after two; bytes arrive in order one delay later', async () => {
  const { clock, a, b, accepted } = pair(10);
  await b.listen('10.0.0.2', 7000, (c) => accepted.push(c), () => {});
  const d = a.dial(makePeerAddress('10.0.0.2', 7000), 1_000, clock);
  let client: Connection | undefined;
  void d.connection.then((c) => (client = c));
  await clock.runUntil(() => accepted.length > 0);
  assert.is(clock.now(), 10);
  assert.is(accepted[0]!.remoteAddress, '10.0.0.1');
  await clock.runUntil(() => client !== undefined);
  assert.is(clock.now(), 20);
  assert.is(client!.remoteAddress, '10.0.0.2');
  assert.is(client!.remotePort, 7000);
  const got: number[] = [];
  accepted[0]!.on('data', (chunk) => got.push(...chunk));
  client!.write(Uint8Array.of(1, 2));
  client!.cork();
  client!.write(Uint8Array.of(3));
  client!.write(Uint8Array.of(4));
  client!.uncork();
  await clock.runUntil(() => got.length === 4);
  assert.equal(got, [1, 2, 3, 4]);
  assert.is(clock.now(), 30);
  assert.is(clock.pending, 0, 'the dial cleared its timeout');
});

test('no listener: ECONNREFUSED after a round trip; a silent crash: dial-timeout', async () => {
  const { clock, net, a, b } = pair(10);
  const refused = failure(a.dial(makePeerAddress('10.0.0.2', 7000), 1_000, clock).connection);
  await clock.runFor(100);
  assert.equal(await refused, { reason: 'dial-failed', detail: 'ECONNREFUSED' });
  await b.listen('10.0.0.2', 7000, () => {}, () => {});
  net.crash('10.0.0.2', true);
  const timedOut = failure(a.dial(makePeerAddress('10.0.0.2', 7000), 1_000, clock).connection);
  await clock.runFor(2_000);
  assert.equal(await timedOut, { reason: 'dial-timeout', detail: 'no connection within 1000 ms' });
});

test('destroy closes both ends, the remote one a delay later, after the bytes sent before it', async () => {
  const { clock, a, b, accepted } = pair(10);
  await b.listen('10.0.0.2', 7000, (c) => accepted.push(c), () => {});
  const client = await (async () => {
    const d = a.dial(makePeerAddress('10.0.0.2', 7000), 1_000, clock);
    let c: Connection | undefined;
    void d.connection.then((x) => (c = x));
    await clock.runUntil(() => c !== undefined);
    return c!;
  })();
  const events: string[] = [];
  accepted[0]!.on('data', () => events.push(`data@${clock.now()}`));
  accepted[0]!.on('close', () => events.push(`close@${clock.now()}`));
  client.on('close', () => events.push(`local-close@${clock.now()}`));
  client.write(Uint8Array.of(1));
  client.destroy();
  assert.is(client.write(Uint8Array.of(2)), false);
  await clock.runFor(50);
  assert.equal(events, ['local-close@20', 'data@30', 'close@30']);
});

test('a receiver that does not read slows the sender: writableLength grows past the receive buffer; resume delivers in order', async () => {
  const { clock, a, b, accepted } = pair(1);
  await b.listen('10.0.0.2', 7000, (c) => accepted.push(c), () => {});
  const d = a.dial(makePeerAddress('10.0.0.2', 7000), 1_000, clock);
  let client: Connection | undefined;
  void d.connection.then((x) => (client = x));
  await clock.runUntil(() => client !== undefined);
  const server = accepted[0]!;
  let received = 0;
  let last = -1;
  let ordered = true;
  server.on('data', (chunk) => {
    if (chunk[0]! !== (last + 1) % 256) ordered = false;
    last = chunk[0]!;
    received += chunk.length;
  });
  server.pause();
  const chunk = 1024;
  const count = MEMORY_RECEIVE_BUFFER_BYTES / chunk + 64;
  for (let i = 0; i < count; i++) client!.write(new Uint8Array(chunk).fill(i % 256));
  await clock.runFor(10);
  assert.is(received, 0);
  assert.is(client!.writableLength, 64 * chunk);
  server.resume();
  await clock.runFor(10);
  assert.is(received, count * chunk);
  assert.ok(ordered);
  assert.is(client!.writableLength, 0);
});

test('loss delays a chunk and everything after it, never reorders or drops', async () => {
  const clock = new Scheduler();
  let r = 0;
  const net = new MemoryNetwork({ clock, latency: () => 5, loss: 0.5, random: () => ((r = (r * 7 + 3) % 10) / 10), retransmitMs: 100 });
  const accepted: Connection[] = [];
  await net.endpoint('10.0.0.2').listen('10.0.0.2', 1, (c) => accepted.push(c), () => {});
  let client: Connection | undefined;
  void net.endpoint('10.0.0.1').dial(makePeerAddress('10.0.0.2', 1), 5_000, clock).connection.then((c) => (client = c));
  await clock.runUntil(() => client !== undefined);
  const got: number[] = [];
  accepted[0]!.on('data', (c) => got.push(...c));
  for (let i = 0; i < 50; i++) client!.write(Uint8Array.of(i));
  await clock.runFor(10_000);
  assert.equal(got, Array.from({ length: 50 }, (_, i) => i));
});

test.run();
