import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect } from 'node:net';
import { MessageType, encodeMessage } from '@gossip5/protocol';
import { seededRandomBytes, waitFor } from '@gossip5/testkit';
import type { AnnounceEvent } from '../src/index.js';
import { bytes, concat, startHarness } from './helpers.js';

const T = 300;

function announceFrame(dataType: number, data: Uint8Array, ttl = 2): Uint8Array {
  return encodeMessage({ type: MessageType.GossipAnnounce, ttl, dataType, data });
}

test('a frame split over many TCP reads, the header too, is assembled', async () => {
  const h = await startHarness();
  try {
    const m = await h.connect();
    const events: AnnounceEvent[] = [];
    h.server.on('announce', (a) => events.push(a));
    const data = seededRandomBytes(1)(1000);
    const frame = announceFrame(T, data);
    // Pieces: 1 byte, 2 bytes (header still incomplete), 1 byte (header done), then the body in 3 parts.
    const cuts = [1, 3, 4, 5, 400, frame.length];
    let sent = 0;
    for (const cut of cuts) {
      await m.sendRawAndFlush(frame.subarray(sent, cut));
      sent = cut;
      // Wait until the server has read this piece, so each one is a separate read.
      await waitFor(() => h.server.stats().bytesIn === sent, { what: `${sent} bytes read` });
      if (sent < frame.length) assert.is(events.length, 0);
    }
    await waitFor(() => events.length === 1);
    assert.equal([...events[0]!.data], [...data]);
    assert.is(events[0]!.ttl, 2);
    assert.is(h.server.stats().framesIn, 1);
  } finally {
    await h.stop();
  }
});

test('many frames coalesced in one write are all handled, in order', async () => {
  const h = await startHarness();
  try {
    const m = await h.connect();
    const events: number[] = [];
    h.server.on('announce', (a) => events.push(a.data[0]!));
    m.sendRaw(
      concat(
        encodeMessage({ type: MessageType.GossipNotify, dataType: 1 }),
        announceFrame(T, bytes(1)),
        encodeMessage({ type: MessageType.GossipValidation, messageId: 9, valid: true }),
        encodeMessage({ type: MessageType.GossipNotify, dataType: 2 }),
        announceFrame(T, bytes(2)),
        announceFrame(T, bytes(3)),
      ),
    );
    await waitFor(() => events.length === 3 && h.server.hasSubscribers(2));
    assert.equal(events, [1, 2, 3]);
    const s = h.server.stats();
    assert.is(s.framesIn, 6);
    assert.is(s.subscriptions, 2);
    assert.is(s.validationsIgnored, 1);
    assert.ok(m.isOpen);
  } finally {
    await h.stop();
  }
});

test('a stream of mixed frames cut at random (seeded) points arrives whole', async () => {
  const h = await startHarness();
  try {
    const m = await h.connect();
    const rnd = seededRandomBytes(42);
    const got: string[] = [];
    h.server.on('announce', (a) => got.push(Buffer.from(a.data).toString('hex')));
    const want: string[] = [];
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 200; i++) {
      const len = (rnd(2)[0]! << 4) % 3000;
      const data = rnd(len);
      want.push(Buffer.from(data).toString('hex'));
      frames.push(announceFrame(T, data));
      if (i % 10 === 0) frames.push(encodeMessage({ type: MessageType.GossipNotify, dataType: i }));
    }
    const stream = concat(...frames);
    let off = 0;
    while (off < stream.length) {
      const step = 1 + (((rnd(2)[0]! << 8) | rnd(1)[0]!) % 5000);
      await m.sendRawAndFlush(stream.subarray(off, off + step));
      off += step;
    }
    await waitFor(() => got.length === want.length, { what: 'all announces' });
    assert.equal(got, want);
    assert.is(h.server.stats().subscriptions, 20);
  } finally {
    await h.stop();
  }
});

test('NOTIFICATION bytes on the wire are exactly as the specification lays them out', async () => {
  const h = await startHarness();
  const sock = connect({ port: h.port, host: h.host });
  try {
    await new Promise<void>((r) => sock.once('connect', () => r()));
    const received: Buffer[] = [];
    sock.on('data', (c: Buffer) => received.push(c));
    sock.write(Buffer.from([0, 8, 0x01, 0xf5, 0, 0, 0x12, 0x34]));
    await waitFor(() => h.server.hasSubscribers(0x1234));
    const p = h.server.deliver({ dataType: 0x1234, data: bytes(0xde, 0xad, 0xbe) });
    await waitFor(() => Buffer.concat(received).length >= 11);
    const wire = Buffer.concat(received);
    assert.is(wire.length, 11);
    const id = wire.readUInt16BE(4);
    assert.equal([...wire], [0, 11, 0x01, 0xf6, id >> 8, id & 0xff, 0x12, 0x34, 0xde, 0xad, 0xbe]);
    sock.write(Buffer.from([0, 8, 0x01, 0xf7, id >> 8, id & 0xff, 0, 1]));
    assert.is(await p, 'valid');
  } finally {
    sock.destroy();
    await h.stop();
  }
});

test('half a frame that stalls is closed at the idle timeout (FakeClock), with a warning', async () => {
  const idleTimeoutMs = 1_000;
  const h = await startHarness({ idleTimeoutMs });
  try {
    const staller = await h.connect();
    const witness = await h.subscriber(T);
    assert.is(h.server.stats().activeTimers, 0, 'idle connections without a partial frame hold no timer');
    const frame = announceFrame(T, bytes(1, 2, 3, 4));
    await staller.sendRawAndFlush(frame.subarray(0, 6));
    await waitFor(() => h.server.stats().bytesIn >= 6 + 8);
    assert.is(h.server.stats().activeTimers, 1);
    h.clock.advance(idleTimeoutMs - 1);
    assert.is(h.server.connectionCount(), 2, 'not yet');
    h.clock.advance(1);
    assert.is(h.server.connectionCount(), 1);
    await staller.waitForClose();
    const warn = h.logger.find('idle-timeout', 'warn');
    assert.is(warn.length, 1);
    assert.is(warn[0]!.fields['remote'], staller.localAddress);
    assert.is(h.server.stats().closes['idle-timeout'], 1);
    assert.is(await h.server.deliver({ dataType: T, data: bytes(9) }), 'valid');
    assert.is((await witness.nextNotification()).data[0], 9);
  } finally {
    await h.stop();
  }
});

test('idle timeout: each new frame gets its own window; silent whole-frame connections are never closed', async () => {
  const idleTimeoutMs = 1_000;
  const h = await startHarness({ idleTimeoutMs });
  try {
    const m = await h.connect();
    const a = announceFrame(T, bytes(1, 2, 3, 4));
    await m.sendRawAndFlush(a.subarray(0, 5));
    await waitFor(() => h.server.stats().bytesIn === 5);
    h.clock.advance(idleTimeoutMs - 1);
    // Finish the first frame and start a second one in the same write.
    await m.sendRawAndFlush(concat(a.subarray(5), a.subarray(0, 2)));
    await waitFor(() => h.server.stats().announces === 1 && h.server.stats().bytesIn === a.length + 2);
    h.clock.advance(idleTimeoutMs - 1);
    assert.is(h.server.connectionCount(), 1, 'the second frame has a fresh window');
    await m.sendRawAndFlush(a.subarray(2));
    await waitFor(() => h.server.stats().announces === 2);
    assert.is(h.server.stats().activeTimers, 0);
    h.clock.advance(idleTimeoutMs * 100);
    assert.is(h.server.connectionCount(), 1, 'no partial frame, no timeout');
    assert.ok(m.isOpen);
  } finally {
    await h.stop();
  }
});

test('a module that never reads is disconnected at the queue limit; another module is still served', async () => {
  const limit = 256 * 1024;
  const h = await startHarness({ maxQueuedBytesPerConnection: limit });
  try {
    const stuck = await h.subscriber(T, 'silent');
    stuck.pauseReading();
    const witness = await h.subscriber(T + 1);
    const item = { dataType: T, data: new Uint8Array(60_000).fill(7) };
    let sent = 0;
    // Kernel buffers absorb some megabytes first; then the server's own queue grows to the limit.
    while (h.server.connectionCount() === 2 && sent < 2_000) {
      await h.server.deliver(item, { awaitValidation: false });
      sent++;
      await new Promise((r) => setImmediate(r));
    }
    assert.is(h.server.connectionCount(), 1, `closed after ${sent} items`);
    stuck.resumeReading(); // let the module see the end of its stream
    await stuck.waitForClose();
    const s = h.server.stats();
    assert.is(s.closes['slow-consumer'], 1);
    const warn = h.logger.find('slow-consumer', 'warn');
    assert.is(warn.length, 1);
    assert.is(warn[0]!.fields['remote'], stuck.localAddress);
    assert.ok((warn[0]!.fields['queuedBytes'] as number) + 60_008 > limit);
    assert.ok((warn[0]!.fields['queuedBytes'] as number) <= limit, 'memory stayed within the limit');
    assert.equal([s.pendingValidations, s.pendingDeliveries, s.activeTimers], [0, 0, 0]);
    assert.is(await h.server.deliver({ dataType: T + 1, data: bytes(1) }), 'valid');
    assert.is((await witness.nextNotification()).data[0], 1);
    assert.is(await h.server.deliver({ dataType: T, data: bytes(1) }), 'unsubscribed');
  } finally {
    await h.stop();
  }
});

test('NOTIFICATIONs written in one tick to many modules all arrive intact', async () => {
  const h = await startHarness();
  try {
    const mods = [];
    for (let i = 0; i < 5; i++) mods.push(await h.subscriber(T));
    const items = Array.from({ length: 40 }, (_, i) => seededRandomBytes(i + 1)(i * 97));
    const verdicts = await Promise.all(items.map((data) => h.server.deliver({ dataType: T, data })));
    assert.ok(verdicts.every((v) => v === 'valid'));
    for (const m of mods) {
      const got = await m.waitForNotifications(40);
      assert.equal(
        got.map((n) => Buffer.from(n.data).toString('hex')),
        items.map((d) => Buffer.from(d).toString('hex')),
      );
    }
    assert.is(h.server.stats().notificationsSent, 200);
  } finally {
    await h.stop();
  }
});

test.run();
