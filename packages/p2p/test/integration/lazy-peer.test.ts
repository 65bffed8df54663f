/**
 * Lazy push against scripted peers (FakePeer over real TCP, the node on a fake clock): negotiation,
 * PRUNE on duplicates, IHAVE to lazy links, pulls (GRAFT) and what is served, plain peers treated as
 * before, malformed or unnegotiated extension frames closing the link.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeMessage, HelloFlag, makePeerAddress, MessageType, type PeerNotification } from '@gossip5/protocol';
import { FakeClock, FakePeer, waitFor } from '@gossip5/testkit';
import { DEFAULT_IHAVE_DELAY_MS } from '../../src/constants.js';
import type { ReceivedItem, Verdict } from '../../src/types.js';
import { startNode, type TestNode } from '../helpers.js';

const PULL_TIMEOUT = 250;
const LAZY = HelloFlag.LazyPush;
let port = 43000;

interface Setup {
  t: TestNode;
  clock: FakeClock;
  items: ReceivedItem[];
  verdicts: Map<bigint, Verdict>;
}

async function node(init: { lazyPush?: boolean; pruneAfterDuplicates?: number; degree?: number; fullViewAdmitChance?: number } = {}): Promise<Setup> {
  const clock = new FakeClock();
  const items: ReceivedItem[] = [];
  const verdicts = new Map<bigint, Verdict>();
  const t = await startNode(
    { pullTimeoutMs: PULL_TIMEOUT, pullRetryMs: 100, ...init },
    { clock, validator: { validate: async (item) => verdicts.get(item.messageId) ?? 'valid' } },
  );
  t.node.on('item', (item) => items.push(item));
  return { t, clock, items, verdicts };
}

/** A fake that dialled `s` and completed the handshake offering `flags`. */
async function peer(s: Setup, flags: number): Promise<FakePeer> {
  // Wait for this link, not any: with a neighbour up already, a count of 1 says nothing of this one,
  // and a frame sent before the node has established it is refused as sent during the handshake.
  const before = s.t.node.stats().neighbours;
  const fake = await FakePeer.connect(s.t.address, { address: makePeerAddress('127.0.0.1', port++), flags });
  const request = await fake.hello();
  fake.respond(request);
  await fake.next(MessageType.PeerResponse);
  await waitFor(() => s.t.node.neighbours().length > before && s.t.node.stats().neighbours > before, { what: 'the link up' });
  (fake as FakePeer & { offered?: number }).offered = request.flags;
  return fake;
}

const pn = (messageId: bigint, ttl = 0): PeerNotification => ({
  type: MessageType.PeerNotification,
  ttl,
  messageId,
  dataType: 7,
  data: new Uint8Array([1, 2, 3]),
});

const extensionTypes = (f: FakePeer) =>
  f.received.filter((m) => m.type === MessageType.IHave || m.type === MessageType.Graft || m.type === MessageType.Prune);

async function stop(s: Setup, ...fakes: FakePeer[]): Promise<void> {
  for (const f of fakes) f.close();
  await s.t.node.stop();
}

test('negotiation: the node offers bit 0 in VERIFICATION REQUEST unless lazy_push is off', async () => {
  const on = await node();
  const off = await node({ lazyPush: false });
  try {
    const a = await FakePeer.connect(on.t.address, { flags: LAZY });
    assert.is((await a.hello()).flags, LAZY);
    const b = await FakePeer.connect(off.t.address, { flags: LAZY });
    assert.is((await b.hello()).flags, 0);
    a.close();
    b.close();
  } finally {
    await stop(on);
    await stop(off);
  }
});

test('the pruneAfterDuplicates-th duplicate from an eager lazy-capable link is answered with PRUNE, and that link then gets ids only', async () => {
  const s = await node({ pruneAfterDuplicates: 2 });
  const a = await peer(s, LAZY);
  const b = await peer(s, LAZY);
  try {
    a.send(pn(1n));
    const forwarded = await b.next(MessageType.PeerNotification);
    assert.is(forwarded.messageId, 1n, 'a new link is eager: the item goes whole');
    b.send(pn(1n));
    await waitFor(() => s.t.node.stats().itemsDuplicate === 1, { what: 'the first duplicate read' });
    assert.is(s.t.node.stats().lazyPush.prunesSent, 0, 'one duplicate of two: still eager');
    a.send(pn(3n));
    await b.next(MessageType.PeerNotification);
    b.send(pn(3n));
    await b.next(MessageType.Prune);
    await waitFor(() => s.t.node.stats().lazyPush.prunesSent === 1, { what: 'the PRUNE counted' });
    assert.equal(s.t.node.stats().lazyPush.lazyLinks, 1);
    a.send(pn(2n));
    await waitFor(() => s.items.length === 3, { what: 'item 2 accepted' });
    await waitFor(() => s.t.node.stats().itemsForwarded === 3, { what: 'item 2 forwarded' });
    s.clock.advance(DEFAULT_IHAVE_DELAY_MS); // the IHAVE round
    const ihave = await b.next(MessageType.IHave);
    assert.equal(ihave.entries, [{ messageId: 2n, ttl: 0 }]);
    assert.is(b.messages(MessageType.PeerNotification).length, 2, 'item 2 did not go whole to the lazy link');
    assert.equal(extensionTypes(a), [], 'nothing for the eager sender');
    assert.is(s.items.length, 3, 'each item delivered once');
  } finally {
    await stop(s, a, b);
  }
});

test('an announced item that does not arrive is pulled (GRAFT) after the timeout; the pull fetches it and grafts the link', async () => {
  const s = await node();
  const a = await peer(s, LAZY);
  try {
    a.send({ type: MessageType.Prune }); // a is lazy from the node's side too
    a.send({ type: MessageType.IHave, entries: [{ messageId: 77n, ttl: 0 }] });
    await waitFor(() => s.t.node.stats().lazyPush.ihaveIdsReceived === 1, { what: 'the IHAVE read' });
    assert.is(s.t.node.stats().lazyPush.pullsPending, 1);
    s.clock.advance(PULL_TIMEOUT - 1);
    s.clock.advance(0);
    assert.is(a.messages(MessageType.Graft).length, 0, 'not before the timeout');
    s.clock.advance(1);
    s.clock.advance(0);
    const graft = await a.next(MessageType.Graft);
    assert.equal(graft.messageIds, [77n]);
    assert.is(s.t.node.stats().lazyPush.eagerLinks, 1, 'pulling grafted the link');
    a.send(pn(77n));
    await waitFor(() => s.items.length === 1, { what: 'the pulled item delivered' });
    assert.is(s.items[0]!.messageId, 77n);
    const st = s.t.node.stats().lazyPush;
    assert.is(st.pullsPending, 0);
    assert.is(st.pullsStarted, 1);
    assert.is(st.graftIdsSent, 1);
    s.clock.advance(10_000);
    assert.is(a.messages(MessageType.Graft).length, 1, 'no second pull once it arrived');
  } finally {
    await stop(s, a);
  }
});

test('IHAVE for an id already seen starts no pull', async () => {
  const s = await node();
  const a = await peer(s, LAZY);
  try {
    a.send(pn(5n));
    await waitFor(() => s.items.length === 1, { what: 'item 5' });
    a.send({ type: MessageType.IHave, entries: [{ messageId: 5n, ttl: 0 }] });
    await waitFor(() => s.t.node.stats().lazyPush.ihaveIdsKnown === 1, { what: 'the IHAVE read' });
    assert.is(s.t.node.stats().lazyPush.pullsPending, 0);
  } finally {
    await stop(s, a);
  }
});

test('GRAFT is served only what the node forwards, with the ttl it forwards it with', async () => {
  const s = await node();
  const a = await peer(s, LAZY);
  const b = await peer(s, LAZY);
  try {
    b.send({ type: MessageType.Prune });
    s.verdicts.set(11n, 'invalid');
    a.send(pn(10n, 3)); // forwarded with ttl 2
    a.send(pn(11n, 0)); // refused
    a.send(pn(12n, 1)); // accepted, ttl expires here
    await waitFor(() => s.items.length === 3 && s.t.node.stats().pendingValidations === 0, { what: 'the verdicts' });
    const before = b.messages(MessageType.PeerNotification).length;
    b.send({ type: MessageType.Graft, messageIds: [10n, 11n, 12n, 999n] });
    const served = await b.next(MessageType.PeerNotification);
    await waitFor(() => s.t.node.stats().lazyPush.pullsMissed === 3, { what: 'the misses counted' });
    assert.is(served.messageId, 10n);
    assert.is(served.ttl, 2, 'ttl as forwarded: 3 - 1');
    assert.equal([...served.data], [1, 2, 3]);
    const st = s.t.node.stats().lazyPush;
    assert.is(st.pullsServed, 1);
    assert.is(st.graftIdsReceived, 4);
    assert.is(st.eagerLinks, 2, 'the GRAFT made b eager again');
    // Only item 10 was ever sent to b: 12 (ttl 1) and 11 (invalid) neither pushed nor served.
    const ids = b.messages(MessageType.PeerNotification).map((m) => m.messageId);
    assert.ok(!ids.includes(11n) && !ids.includes(12n), `b got ${ids.join(',')}`);
    assert.ok(b.messages(MessageType.PeerNotification).length >= before);
  } finally {
    await stop(s, a, b);
  }
});

test('a ttl-limited item goes whole even to a lazy link (its reach stays that of eager push)', async () => {
  const s = await node();
  const a = await peer(s, LAZY);
  const b = await peer(s, LAZY);
  try {
    b.send({ type: MessageType.Prune });
    await waitFor(() => s.t.node.stats().lazyPush.lazyLinks === 1, { what: 'b lazy' });
    a.send(pn(20n, 4));
    const got = await b.next(MessageType.PeerNotification);
    assert.equal([got.messageId, got.ttl], [20n, 3]);
    b.send(pn(20n, 3));
    a.send(pn(21n, 0));
    await waitFor(() => s.items.length === 2 && s.t.node.stats().itemsForwarded === 2, { what: 'item 21 forwarded' });
    s.clock.advance(DEFAULT_IHAVE_DELAY_MS);
    assert.equal((await b.next(MessageType.IHave)).entries, [{ messageId: 21n, ttl: 0 }]);
    assert.is(s.t.node.stats().lazyPush.prunesSent, 0, 'a duplicate of a ttl-limited item prunes nothing');
  } finally {
    await stop(s, a, b);
  }
});

test('a plain peer (no bit 0) is treated exactly as before: every item whole, duplicates counted, no extension type', async () => {
  const s = await node();
  const plain = await peer(s, 0);
  const a = await peer(s, LAZY);
  try {
    for (let i = 1n; i <= 5n; i++) a.send(pn(100n + i));
    for (let i = 1n; i <= 5n; i++) plain.send(pn(100n + i)); // duplicates from a plain link
    await waitFor(() => plain.messages(MessageType.PeerNotification).length === 5, { what: 'five items to the plain peer' });
    await waitFor(() => s.t.node.stats().itemsDuplicate >= 5, { what: 'the duplicates counted' });
    a.send(pn(200n));
    await waitFor(() => plain.messages(MessageType.PeerNotification).length === 6, { what: 'a sixth item' });
    s.clock.advance(DEFAULT_IHAVE_DELAY_MS);
    assert.equal(extensionTypes(plain), []);
    assert.is(s.t.node.stats().lazyPush.plainLinks, 1);
    assert.is(s.t.node.stats().lazyPush.prunesSent, 0);
  } finally {
    await stop(s, plain, a);
  }
});

async function expectClosed(s: Setup, fake: FakePeer, reason: string, frame: Uint8Array): Promise<void> {
  fake.sendRaw(frame);
  await fake.closedByRemote();
  await waitFor(() => s.t.node.stats().linksDownByReason[reason] === 1, { what: `a link down for ${reason}` });
  const line = s.t.log.records.find((r) => r.fields.reason === reason);
  assert.ok(line, `one log line names ${reason}`);
  assert.is(line!.fields.remote, fake.local, 'and the remote');
}

test('malformed extension frames close the link as any malformed frame does', async () => {
  const cases = [
    ['IHAVE with count 0', '0006 0200 0000'],
    ['IHAVE whose count says 2 with one entry', '000f 0200 0002 0000000000000001 00'],
    ['GRAFT with 7 id bytes', '000d 0201 0001 00000000000001'],
    ['PRUNE with a body', '0005 0202 00'],
  ] as const;
  for (const [name, hexText] of cases) {
    const s = await node();
    const a = await peer(s, LAZY);
    const other = await peer(s, LAZY);
    try {
      await expectClosed(s, a, 'malformed', Buffer.from(hexText.replace(/ /g, ''), 'hex'));
      assert.not.ok(other.closed, `${name}: only that link closed`);
      assert.is(s.t.node.stats().neighbours, 1, name);
    } finally {
      await stop(s, a, other);
    }
  }
});

test('extension types on a link that did not negotiate them close it (unexpected message)', async () => {
  const s = await node();
  const plain = await peer(s, 0);
  try {
    await expectClosed(s, plain, 'unexpected-message', encodeMessage({ type: MessageType.Prune }));
  } finally {
    await stop(s, plain);
  }
  const off = await node({ lazyPush: false });
  const eager = await peer(off, LAZY);
  try {
    await expectClosed(off, eager, 'unexpected-message', encodeMessage({ type: MessageType.Graft, messageIds: [1n] }));
  } finally {
    await stop(off, eager);
  }
});


/**
 * degree 1, admitting every newcomer: `b` takes the place of `a`, after `a` brought item 5. When
 * `a` was lazy (it sent PRUNE), `b` starts on probation and its first duplicate is answered with
 * PRUNE at once; when `a` was eager, `b` starts with the usual count (16 duplicates).
 */
for (const aLazy of [true, false]) {
  test(`a link made in the place of ${aLazy ? 'a lazy' : 'an eager'} link: ${aLazy ? 'pruned at its first duplicate' : 'the usual count'}`, async () => {
    const s = await node({ degree: 1, fullViewAdmitChance: 1 });
    const a = await peer(s, LAZY);
    let b: FakePeer | undefined;
    try {
      if (aLazy) a.send({ type: MessageType.Prune });
      a.send(pn(5n));
      await waitFor(() => s.items.length === 1, { what: 'item 5 from a' });
      await waitFor(() => s.t.node.stats().lazyPush.prunesReceived === (aLazy ? 1 : 0), { what: "a's PRUNE read" });
      b = await FakePeer.connect(s.t.address, { address: makePeerAddress('127.0.0.1', port++), flags: LAZY });
      b.respond(await b.hello());
      await b.next(MessageType.PeerResponse);
      await waitFor(() => s.t.node.stats().linksDown === 1, { what: 'a evicted for b' });
      b.send(pn(5n));
      await waitFor(() => s.t.node.stats().itemsDuplicate === 1, { what: "b's duplicate read" });
      if (aLazy) {
        await b.next(MessageType.Prune);
        assert.is(s.t.node.stats().lazyPush.lazyLinks, 1);
      } else {
        assert.is(s.t.node.stats().lazyPush.prunesSent, 0, 'one duplicate of 16: still eager');
        assert.is(s.t.node.stats().lazyPush.eagerLinks, 1);
      }
    } finally {
      await stop(s, a, ...(b ? [b] : []));
    }
  });
}

test.run();
