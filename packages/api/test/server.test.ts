import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeModule, nextEvent, waitFor } from '@gossip5/testkit';
import {
  ApiErrorCode,
  createApiServer,
  isApiError,
  type AnnounceEvent,
  type DisconnectEvent,
  type Verdict,
} from '../src/index.js';
import { VALIDATION_TIMEOUT_MS, assertDrained, bytes, startHarness } from './helpers.js';

const T = 4242;
const OTHER = 7;

test('a subscribed module gets exactly one NOTIFICATION per delivered item, byte for byte', async () => {
  const h = await startHarness();
  try {
    const m = await h.subscriber(T);
    const items = [bytes(1, 2, 3), bytes(), bytes(9)];
    for (const data of items) assert.is(await h.server.deliver({ dataType: T, data }), 'valid');
    // A marker item proves nothing else is in flight before it.
    assert.is(await h.server.deliver({ dataType: T, data: bytes(0xee) }), 'valid');
    const got = await m.waitForNotifications(4);
    assert.is(m.notifications.length, 4);
    assert.equal(
      got.map((n) => [n.dataType, [...n.data]]),
      [[T, [1, 2, 3]], [T, []], [T, [9]], [T, [0xee]]],
    );
    assert.is(new Set(got.map((n) => n.messageId)).size, 4, 'message ids differ');
    assert.equal(m.unexpected, []);
    assert.is(h.server.stats().notificationsSent, 4);
  } finally {
    await h.stop();
  }
});

test('an unsubscribed module gets none; two subscribers of a type both get it', async () => {
  const h = await startHarness();
  try {
    const a = await h.subscriber(T);
    const b = await h.subscriber(T);
    const other = await h.subscriber(OTHER);
    const bare = await h.connect();
    assert.is(await h.server.deliver({ dataType: T, data: bytes(5) }), 'valid');
    assert.is((await a.nextNotification()).data[0], 5);
    assert.is((await b.nextNotification()).data[0], 5);
    // TCP keeps order: once the OTHER item arrived, a T item sent before it would have too.
    assert.is(await h.server.deliver({ dataType: OTHER, data: bytes(6) }), 'valid');
    const n = await other.nextNotification();
    assert.is(n.dataType, OTHER);
    assert.is(other.notifications.length, 1);
    assert.is(a.notifications.length, 1);
    assert.is(bare.notifications.length, 0);
  } finally {
    await h.stop();
  }
});

test('a module may subscribe to several types; NOTIFY with reserved bits set still subscribes', async () => {
  const h = await startHarness();
  try {
    const m = await h.subscriber([1, 2]);
    const raw = await h.connect();
    raw.sendRaw(bytes(0, 8, 0x01, 0xf5, 0xab, 0xcd, 0, 3)); // NOTIFY, reserved 0xabcd, type 3
    await waitFor(() => h.server.hasSubscribers(3));
    assert.is(await h.server.deliver({ dataType: 1, data: bytes(1) }), 'valid');
    assert.is(await h.server.deliver({ dataType: 2, data: bytes(2) }), 'valid');
    assert.is(await h.server.deliver({ dataType: 3, data: bytes(3) }), 'valid');
    assert.equal((await m.waitForNotifications(2)).map((n) => n.dataType), [1, 2]);
    assert.is((await raw.nextNotification()).dataType, 3);
    m.subscribe(1); // a repeated NOTIFY changes nothing
    assert.is(h.server.stats().subscriptions, 3);
    // modules() lists each open connection with its data types, for the daemon's /status.
    const listed = h.server.modules().map((x) => x.dataTypes).sort((a, b) => a.length - b.length);
    assert.equal(listed, [[3], [1, 2]]);
    assert.ok(h.server.modules().some((x) => x.remote === m.localAddress));
  } finally {
    await h.stop();
  }
});

test('V=0 from either of two subscribers gives invalid', async () => {
  for (const liar of [0, 1]) {
    const h = await startHarness();
    try {
      const mods = [await h.subscriber(T, liar === 0 ? 'invalid' : 'valid'), await h.subscriber(T, liar === 1 ? 'invalid' : 'valid')];
      assert.is(await h.server.deliver({ dataType: T, data: bytes(1) }), 'invalid', `liar ${liar}`);
      await mods[liar]!.waitForNotifications(1);
      assert.is(h.server.stats().verdicts.invalid, 1);
    } finally {
      await h.stop();
    }
  }
});

test('invalid at the first V=0 even while another module stays silent', async () => {
  const h = await startHarness();
  try {
    const silent = await h.subscriber(T, 'silent');
    await h.subscriber(T, 'invalid');
    assert.is(await h.server.deliver({ dataType: T, data: bytes(1) }), 'invalid');
    await silent.waitForNotifications(1);
    assert.is(h.server.stats().pendingValidations, 0, "the silent module's id was released");
    assert.is(h.server.stats().activeTimers, 0);
  } finally {
    await h.stop();
  }
});

test('silence gives invalid at the validation timeout (FakeClock), not before', async () => {
  const h = await startHarness();
  try {
    const quiet = await h.subscriber(T, 'silent');
    await h.subscriber(T, 'valid');
    let verdict: Verdict | undefined;
    const p = h.server.deliver({ dataType: T, data: bytes(1) }).then((v) => (verdict = v));
    await quiet.nextNotification();
    await waitFor(() => h.server.stats().validationsIn === 1, { what: 'the V=1 of the other module' });
    h.clock.advance(VALIDATION_TIMEOUT_MS - 1);
    await Promise.resolve();
    assert.is(verdict, undefined);
    assert.is(h.server.stats().pendingValidations, 1);
    h.clock.advance(1);
    assert.is(await p, 'invalid');
    assertDrained(h);
  } finally {
    await h.stop();
  }
});

test('an answer arriving after the timeout is ignored, the connection stays open', async () => {
  const h = await startHarness();
  try {
    const m = await h.subscriber(T, 'silent');
    const p = h.server.deliver({ dataType: T, data: bytes(1) });
    const n = await m.nextNotification();
    h.clock.advance(VALIDATION_TIMEOUT_MS);
    assert.is(await p, 'invalid');
    m.validate(n.messageId, true);
    m.validate(12_345, false); // never issued
    await waitFor(() => h.server.stats().validationsIgnored === 2);
    m.policy = 'valid';
    assert.is(await h.server.deliver({ dataType: T, data: bytes(2) }), 'valid');
    assert.ok(m.isOpen);
  } finally {
    await h.stop();
  }
});

test('a second answer to the same id is ignored', async () => {
  const h = await startHarness();
  try {
    const m = await h.subscriber(T, 'silent');
    const other = await h.subscriber(T, 'silent');
    const p = h.server.deliver({ dataType: T, data: bytes(1) });
    const n = await m.nextNotification();
    const o = await other.nextNotification();
    m.validate(n.messageId, true);
    m.validate(n.messageId, false); // already answered: must not flip the verdict
    await waitFor(() => h.server.stats().validationsIn === 2);
    other.validate(o.messageId, true);
    assert.is(await p, 'valid');
    assert.is(h.server.stats().validationsIgnored, 1);
  } finally {
    await h.stop();
  }
});

test('VALIDATION flags: only bit 0 counts, reserved bits are ignored', async () => {
  const h = await startHarness();
  try {
    const m = await h.subscriber(T, 'silent');
    const p1 = h.server.deliver({ dataType: T, data: bytes(1) });
    const n1 = await m.nextNotification();
    m.sendRaw(bytes(0, 8, 0x01, 0xf7, n1.messageId >> 8, n1.messageId & 0xff, 0xff, 0xff));
    assert.is(await p1, 'valid');
    const p2 = h.server.deliver({ dataType: T, data: bytes(2) });
    const n2 = await m.nextNotification();
    m.sendRaw(bytes(0, 8, 0x01, 0xf7, n2.messageId >> 8, n2.messageId & 0xff, 0xff, 0xfe));
    assert.is(await p2, 'invalid');
  } finally {
    await h.stop();
  }
});

test('no subscriber gives unsubscribed; the excluded only subscriber too', async () => {
  const h = await startHarness();
  try {
    assert.is(await h.server.deliver({ dataType: T, data: bytes(1) }), 'unsubscribed');
    const m = await h.subscriber(T);
    const from = await nextEventAfterConnect(h.server, m);
    assert.is(await h.server.deliver({ dataType: T, data: bytes(1) }, { exclude: from }), 'unsubscribed');
    assert.is(h.server.stats().verdicts.unsubscribed, 2);
    assert.is(h.server.stats().activeTimers, 0);
  } finally {
    await h.stop();
  }
});

/** The ModuleConnection of `m`, learned from an ANNOUNCE it sends. */
async function nextEventAfterConnect(server: ReturnType<typeof createApiServer>, m: FakeModule) {
  const ev = nextEvent<AnnounceEvent>(server, 'announce');
  m.announce({ ttl: 0, dataType: 1, data: bytes() });
  return (await ev).from;
}

test('ANNOUNCE is emitted with ttl, type, a copy of the data and the connection; never echoed back', async () => {
  const h = await startHarness();
  try {
    const announcer = await h.subscriber(T);
    const other = await h.subscriber(T);
    const events: AnnounceEvent[] = [];
    const delivered: Array<Promise<Verdict>> = [];
    h.server.on('announce', (a) => {
      events.push(a);
      // What the daemon does with a local announce: trusted, never back to its sender.
      delivered.push(h.server.deliver(a, { exclude: a.from, awaitValidation: false }));
    });
    announcer.announce({ ttl: 3, dataType: T, data: bytes(7, 8) });
    await waitFor(() => events.length === 1);
    const a = events[0]!;
    assert.is(a.ttl, 3);
    assert.is(a.dataType, T);
    assert.equal([...a.data], [7, 8]);
    assert.is(a.from.remote, announcer.localAddress);
    assert.ok(a.from.id > 0);
    assert.is(await delivered[0], 'valid');
    assert.equal([...(await other.nextNotification()).data], [7, 8]);
    // The announcer gets the next item but never its own.
    assert.is(await h.server.deliver({ dataType: T, data: bytes(9) }), 'valid');
    const n = await announcer.nextNotification();
    assert.equal([...n.data], [9]);
    assert.is(announcer.notifications.length, 1);
    // The other module answered the trusted item too: its answer was ignored, not counted.
    await waitFor(() => h.server.stats().validationsIgnored >= 1);
    assert.is(h.server.stats().announces, 1);
  } finally {
    await h.stop();
  }
});

test('ANNOUNCE with empty data, reserved byte set, or more data than MAX_ITEM_DATA is emitted (the daemon enforces the limit)', async () => {
  const h = await startHarness();
  try {
    const m = await h.connect();
    const events: AnnounceEvent[] = [];
    h.server.on('announce', (a) => events.push(a));
    m.sendRaw(bytes(0, 8, 0x01, 0xf4, 5, 0xff, 0, 9)); // ttl 5, reserved 0xff, type 9, no data
    const big = new Uint8Array(65_527).fill(0x5a);
    m.announce({ ttl: 0, dataType: 10, data: big });
    await waitFor(() => events.length === 2);
    assert.equal([events[0]!.ttl, events[0]!.dataType, events[0]!.data.length], [5, 9, 0]);
    assert.is(events[1]!.data.length, 65_527);
    assert.ok(events[1]!.data.every((b) => b === 0x5a));
    assert.ok(m.isOpen);
  } finally {
    await h.stop();
  }
});

test('a throwing announce listener is logged and does not close the connection', async () => {
  const h = await startHarness();
  try {
    const m = await h.subscriber(T);
    h.server.on('announce', () => {
      throw new Error('daemon bug');
    });
    m.announce({ ttl: 1, dataType: T, data: bytes(1) });
    await waitFor(() => h.logger.find('daemon bug', 'error').length === 1);
    assert.is(await h.server.deliver({ dataType: T, data: bytes(2) }), 'valid');
    assert.ok(m.isOpen);
  } finally {
    await h.stop();
  }
});

test('a subscriber that disconnects while awaited makes the verdict invalid at once', async () => {
  const h = await startHarness();
  try {
    const leaver = await h.subscriber(T, 'silent');
    await h.subscriber(T, 'valid');
    const p = h.server.deliver({ dataType: T, data: bytes(1) });
    await leaver.nextNotification();
    await leaver.close();
    assert.is(await p, 'invalid'); // no clock advance needed
    await waitFor(() => h.server.connectionCount() === 1);
    const s = h.server.stats();
    assert.is(s.pendingValidations, 0);
    assert.is(s.activeTimers, 0);
    assert.is(s.subscriptions, 1);
  } finally {
    await h.stop();
  }
});

test('a module whose pending validations are full cannot be asked: invalid, counted, warned; the others still get the item', async () => {
  const h = await startHarness({ maxPendingValidationsPerConnection: 2 });
  try {
    const m = await h.subscriber(T, 'silent');
    const ok = await h.subscriber(T, 'valid');
    const p1 = h.server.deliver({ dataType: T, data: bytes(1) });
    const p2 = h.server.deliver({ dataType: T, data: bytes(2) });
    await m.waitForNotifications(2);
    await waitFor(() => h.server.stats().validationsIn === 2, { what: 'the answers of the valid module' });
    // m cannot be asked about item 3: a missing answer, so invalid; ok is still notified.
    assert.is(await h.server.deliver({ dataType: T, data: bytes(3) }), 'invalid');
    const s = h.server.stats();
    assert.is(s.drops['pending-limit'], 1);
    assert.is(h.logger.find('pending validations are full', 'warn').length, 1);
    await ok.waitForNotifications(3);
    assert.equal([...ok.notifications[2]!.data], [3]);
    await waitFor(() => h.server.stats().validationsIn === 3, { what: 'ok answered item 3' });
    assert.is(h.server.stats().pendingValidations, 2, 'only m still holds ids');
    h.clock.advance(VALIDATION_TIMEOUT_MS);
    assert.equal([await p1, await p2], ['invalid', 'invalid']);
    assert.is(h.server.stats().pendingValidations, 0);
    // With room again, the module is asked (and stays silent).
    const p4 = h.server.deliver({ dataType: T, data: bytes(4) });
    assert.equal([...(await m.nextNotification()).data], [1]);
    assert.equal([...(await m.nextNotification()).data], [2]);
    assert.equal([...(await m.nextNotification()).data], [4]);
    h.clock.advance(VALIDATION_TIMEOUT_MS);
    assert.is(await p4, 'invalid');
    assert.is(h.server.stats().drops['pending-limit'], 1);
    assert.is(h.server.stats().closes['validation-stalled'], 0);
  } finally {
    await h.stop();
  }
});

test('a stuck module does not starve a healthy one, and is disconnected once full for the validation timeout', async () => {
  const h = await startHarness({ maxPendingValidationsPerConnection: 4 });
  try {
    await h.subscriber(T, 'silent'); // the stuck module
    const ok = await h.subscriber(T, 'valid');
    const verdicts: Array<Promise<string>> = [];
    let answered = 0;
    /** Deliver one item and wait for the healthy module's answer (so only the stuck one fills up). */
    const deliverOne = async (i: number) => {
      verdicts.push(h.server.deliver({ dataType: T, data: bytes(i) }));
      answered++;
      await waitFor(() => h.server.stats().validationsIn === answered, { what: `ok answered item ${i}` });
    };
    for (let i = 0; i < 10; i++) await deliverOne(i);
    assert.is(h.server.stats().drops['pending-limit'], 6);
    assert.is(h.server.connectionCount(), 2, 'full, but not yet for long');
    // It answers nothing: full (again, after its items expire) for one validation timeout, it is cut.
    h.clock.advance(VALIDATION_TIMEOUT_MS - 1);
    await deliverOne(10);
    assert.is(h.server.connectionCount(), 2);
    h.clock.advance(1); // its four items expire: room for four more, then full again
    for (let i = 11; i < 16; i++) await deliverOne(i);
    await waitFor(() => h.server.stats().closes['validation-stalled'] === 1, { what: 'stuck disconnected' });
    assert.is(h.server.connectionCount(), 1);
    assert.is(h.logger.find('validation-stalled', 'warn').length, 1);
    assert.is(h.server.stats().drops['pending-limit'], 8);
    h.clock.advance(VALIDATION_TIMEOUT_MS);
    assert.ok((await Promise.all(verdicts)).every((v) => v === 'invalid'));
    // Alone now, the healthy module decides: valid.
    const after = h.server.deliver({ dataType: T, data: bytes(16) });
    await ok.waitForNotifications(17);
    assert.is(await after, 'valid');
    await ok.waitForNotifications(17);
    assert.is(h.server.stats().activeTimers, 0);
  } finally {
    await h.stop();
  }
});

test('pauseAnnouncers stops reading announcers only; after resume every announce arrives', async () => {
  const h = await startHarness();
  try {
    const announced: number[] = [];
    h.server.on('announce', (a) => announced.push(a.data[0]!));
    const announcer = await h.connect();
    const sub = await h.subscriber(T, 'valid');
    announcer.announce({ ttl: 1, dataType: OTHER, data: bytes(0) });
    await waitFor(() => announced.length === 1, { what: 'the first announce' });
    h.server.pauseAnnouncers();
    h.server.pauseAnnouncers();
    for (let i = 1; i <= 50; i++) announcer.announce({ ttl: 1, dataType: OTHER, data: bytes(i) });
    // A module that only subscribes is still read: its verdicts arrive while announcers are paused.
    assert.is(await h.server.deliver({ dataType: T, data: bytes(9) }), 'valid');
    assert.is(sub.notifications.length, 1);
    h.server.resumeAnnouncers();
    await waitFor(() => announced.length === 51, { what: 'every announce, none lost' });
    assert.equal(announced, Array.from({ length: 51 }, (_, i) => i));
    assert.is(h.server.stats().announcerPauses, 1);
  } finally {
    await h.stop();
  }
});

test('message ids: unique among pending ones on a connection', async () => {
  const h = await startHarness();
  try {
    const m = await h.subscriber(T, 'silent');
    const ps = Array.from({ length: 50 }, (_, i) => h.server.deliver({ dataType: T, data: bytes(i) }));
    const ns = await m.waitForNotifications(50);
    assert.is(new Set(ns.map((n) => n.messageId)).size, 50);
    // Answer them in reverse order: each verdict follows its own id.
    for (const n of [...ns].reverse()) m.validate(n.messageId, n.data[0]! % 2 === 0);
    const verdicts = await Promise.all(ps);
    assert.equal(
      verdicts,
      ns.map((n) => (n.data[0]! % 2 === 0 ? 'valid' : 'invalid')),
    );
    assertDrained(h);
  } finally {
    await h.stop();
  }
});

test('trusted delivery (awaitValidation false) resolves at once; its ids stay reserved for the window', async () => {
  const h = await startHarness();
  try {
    const m = await h.subscriber(T, 'silent');
    assert.is(await h.server.deliver({ dataType: T, data: bytes(1) }, { awaitValidation: false }), 'valid');
    const n = await m.nextNotification();
    assert.is(h.server.stats().pendingValidations, 1);
    // A later awaited item gets another id.
    const p = h.server.deliver({ dataType: T, data: bytes(2) });
    const n2 = await m.nextNotification();
    assert.is.not(n2.messageId, n.messageId);
    m.validate(n.messageId, false); // answer to the trusted item: ignored
    m.validate(n2.messageId, true);
    assert.is(await p, 'valid');
    assert.is(h.server.stats().validationsIgnored, 1);
    assert.is(h.server.stats().pendingDeliveries, 0);
    // A trusted item left unanswered is released at the end of the window.
    await h.server.deliver({ dataType: T, data: bytes(3) }, { awaitValidation: false });
    await m.nextNotification();
    assert.is(h.server.stats().activeTimers, 1);
    h.clock.advance(VALIDATION_TIMEOUT_MS);
    assertDrained(h);
    assert.is(await h.server.deliver({ dataType: OTHER, data: bytes() }, { awaitValidation: false }), 'unsubscribed');
  } finally {
    await h.stop();
  }
});

test('deliver rejects items that do not fit a NOTIFICATION with GOSSIP_ERR_API_BAD_ITEM', async () => {
  const h = await startHarness();
  try {
    for (const item of [
      { dataType: 70_000, data: bytes() },
      { dataType: -1, data: bytes() },
      { dataType: 1, data: new Uint8Array(65_528) },
      { dataType: 1, data: 'text' as unknown as Uint8Array },
    ]) {
      try {
        await h.server.deliver(item);
        assert.unreachable('should reject');
      } catch (err) {
        assert.ok(isApiError(err));
        assert.is((err as { code: string }).code, ApiErrorCode.BadItem);
      }
    }
    const m = await h.subscriber(1);
    assert.is(await h.server.deliver({ dataType: 1, data: new Uint8Array(65_527) }), 'valid', 'the largest that fits');
    assert.is((await m.nextNotification()).data.length, 65_527);
  } finally {
    await h.stop();
  }
});

test('maxConnections: extra connections are closed at once, counted and warned', async () => {
  const h = await startHarness({ maxConnections: 2 });
  try {
    const a = await h.subscriber(T);
    await h.subscriber(T);
    const extra = await h.connect();
    await extra.waitForClose();
    const s = h.server.stats();
    assert.is(s.connectionsRejected, 1);
    assert.is(s.drops['connection-limit'], 1);
    assert.is(h.server.connectionCount(), 2);
    assert.is(h.logger.find('refused', 'warn').length, 1);
    await a.close();
    await waitFor(() => h.server.connectionCount() === 1);
    const again = await h.subscriber(T);
    assert.is(await h.server.deliver({ dataType: T, data: bytes(1) }), 'valid');
    assert.is((await again.nextNotification()).data[0], 1);
  } finally {
    await h.stop();
  }
});

test('maxSubscriptionsPerConnection: one NOTIFY too many closes that connection with a warning', async () => {
  const h = await startHarness({ maxSubscriptionsPerConnection: 3 });
  try {
    const greedy = await h.subscriber([1, 2, 3]);
    greedy.subscribe(2); // already subscribed: fine
    greedy.subscribe(4);
    await greedy.waitForClose();
    assert.is(h.server.stats().closes['subscription-limit'], 1);
    const warn = h.logger.find('subscription-limit', 'warn');
    assert.is(warn.length, 1);
    assert.is(warn[0]!.fields['remote'], greedy.localAddress);
    assert.is(h.server.stats().subscriptions, 0);
  } finally {
    await h.stop();
  }
});

test('connection and disconnect events; closed connections leave no subscriptions', async () => {
  const h = await startHarness();
  try {
    const connected = nextEvent(h.server, 'connection');
    const m = await h.subscriber([1, 2, 3]);
    await connected;
    const gone = nextEvent<DisconnectEvent>(h.server, 'disconnect');
    await m.close();
    const d = await gone;
    assert.is(d.reason, 'remote-closed');
    assert.is(d.connection.remote, m.localAddress);
    assert.is(h.server.connectionCount(), 0);
    assert.is(h.server.stats().subscriptions, 0);
    assert.not.ok(h.server.hasSubscribers(1));
  } finally {
    await h.stop();
  }
});

test('stop(): pending deliveries resolve invalid, every connection closes, idempotent', async () => {
  const h = await startHarness();
  const m = await h.subscriber(T, 'silent');
  const trustedOnly = await h.subscriber(OTHER, 'silent');
  const p = h.server.deliver({ dataType: T, data: bytes(1) });
  await h.server.deliver({ dataType: OTHER, data: bytes(1) }, { awaitValidation: false });
  await m.nextNotification();
  await trustedOnly.nextNotification();
  const s1 = h.server.stop();
  const s2 = h.server.stop();
  assert.is(s1, s2);
  assert.is(await p, 'invalid');
  await s1;
  await m.waitForClose();
  await trustedOnly.waitForClose();
  const s = h.server.stats();
  assert.is(h.server.connectionCount(), 0);
  assert.equal([s.pendingValidations, s.pendingDeliveries, s.activeTimers, s.subscriptions], [0, 0, 0, 0]);
  assert.is(s.closes['server-stopped'], 2);
  assert.is(h.clock.pending, 0, 'no timer left on the clock');
  assert.is(await h.server.deliver({ dataType: T, data: bytes(1) }), 'unsubscribed');
  try {
    await h.server.start();
    assert.unreachable('restart after stop');
  } catch (err) {
    assert.is((err as { code: string }).code, ApiErrorCode.BadState);
  }
});

test('IPv6: listens on ::1 and reports [v6]:port remotes', async () => {
  const server = createApiServer({ host: '::1', port: 0, validationTimeoutMs: 1000 });
  const { host, port } = await server.start();
  try {
    assert.is(host, '::1');
    assert.ok(port > 0);
    const conn = nextEvent<{ remote: string }>(server, 'connection');
    const m = await FakeModule.connect(port, '::1');
    const { remote } = await conn;
    assert.match(remote, /^\[::1\]:\d+$/);
    assert.is(remote, m.localAddress);
    m.subscribe(T);
    await waitFor(() => server.hasSubscribers(T));
    assert.is(await server.deliver({ dataType: T, data: bytes(6) }), 'valid');
    assert.is((await m.nextNotification()).data[0], 6);
    m.destroy();
  } finally {
    await server.stop();
  }
});

test('start(): a port in use fails with GOSSIP_ERR_API_LISTEN; a second start() with GOSSIP_ERR_API_BAD_STATE', async () => {
  const h = await startHarness();
  try {
    const clash = createApiServer({ host: '127.0.0.1', port: h.port, validationTimeoutMs: 1000 });
    try {
      await clash.start();
      assert.unreachable('port in use');
    } catch (err) {
      assert.is((err as { code: string }).code, ApiErrorCode.Listen);
    }
    await clash.stop();
    try {
      await h.server.start();
      assert.unreachable('second start');
    } catch (err) {
      assert.is((err as { code: string }).code, ApiErrorCode.BadState);
    }
  } finally {
    await h.stop();
  }
});

test.run();
