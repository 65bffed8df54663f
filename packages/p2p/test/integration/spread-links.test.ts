import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  formatPeerAddress,
  makePeerAddress,
  MAX_ITEM_DATA,
  MessageType,
  type PeerNotification,
} from '@gossip5/protocol';
import { FakePeer, waitFor } from '@gossip5/testkit';
import type { ReceivedItem, Validator, Verdict } from '../../src/types.js';
import { assertAccounted } from '../accounting.js';
import { startNode, type TestNode } from '../helpers.js';

interface Setup {
  t: TestNode;
  a: FakePeer;
  b: FakePeer;
  items: ReceivedItem[];
}

/** A node with two fake neighbours, a and b, and a validator answering `verdict`. */
async function withTwoNeighbours(
  verdict: (item: ReceivedItem) => Verdict | Promise<Verdict>,
  init: Parameters<typeof startNode>[0],
  body: (s: Setup) => Promise<void>,
): Promise<void> {
  const validator: Validator = { validate: async (item) => verdict(item) };
  const t = await startNode(init, { validator });
  const a = await FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', 40201) });
  const b = await FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', 40202) });
  const items: ReceivedItem[] = [];
  t.node.on('item', (item) => items.push(item));
  try {
    await a.handshake();
    await b.handshake();
    await body({ t, a, b, items });
  } finally {
    a.close();
    b.close();
    await t.node.stop();
  }
}

function notification(messageId: bigint, ttl: number, data = [1, 2, 3]): PeerNotification {
  return { type: MessageType.PeerNotification, ttl, messageId, dataType: 9, data: new Uint8Array(data) };
}

/** Round-trip a PING on `peer` so everything the node sent it before has arrived. */
async function flush(peer: FakePeer, token: number): Promise<void> {
  peer.send({ type: MessageType.Ping, reply: false, token });
  while ((await peer.next(MessageType.Ping)).token !== token) {
    // a reply to an earlier flush
  }
}

test('forwarded with ttl-1 to the other neighbours, never echoed to the sender', async () => {
  await withTwoNeighbours(() => 'valid', {}, async ({ t, a, b, items }) => {
    a.send(notification(0xfeedn, 5));
    const got = await b.next(MessageType.PeerNotification);
    assert.equal([got.messageId, got.ttl, got.dataType, [...got.data]], [0xfeedn, 4, 9, [1, 2, 3]]);
    assert.is(items.length, 1);
    assert.is(items[0]!.from, formatPeerAddress(a.address));
    await flush(a, 1);
    assert.equal(a.messages(MessageType.PeerNotification), [], 'nothing went back to a');
    assert.is(t.node.stats().itemsForwarded, 1);
    a.send(notification(0xfeedn, 5)); // a duplicate counts as an item in on its link
    await flush(a, 2);
    const per = Object.fromEntries(t.node.neighbourDetails().map((n) => [formatPeerAddress(n.address), [n.itemsIn, n.itemsOut]]));
    assert.equal(per, { [formatPeerAddress(a.address)]: [2, 0], [formatPeerAddress(b.address)]: [0, 1] });
  });
});

test('ttl 0 is forwarded as 0; ttl 1 is delivered locally but not forwarded', async () => {
  await withTwoNeighbours(() => 'valid', {}, async ({ t, a, b, items }) => {
    a.send(notification(1n, 1));
    a.send(notification(2n, 0));
    const got = await b.next(MessageType.PeerNotification);
    assert.equal([got.messageId, got.ttl], [2n, 0]);
    await flush(b, 2);
    assert.equal(
      b.messages(MessageType.PeerNotification).map((m) => m.messageId),
      [2n],
    );
    assert.equal(
      items.map((i) => i.messageId),
      [1n, 2n],
    );
    assert.is(t.node.stats().itemsTtlExpired, 1);
  });
});

test('a duplicate is counted and dropped: one item event, one forward', async () => {
  await withTwoNeighbours(() => 'valid', {}, async ({ t, a, b, items }) => {
    a.send(notification(3n, 0));
    a.send(notification(3n, 0));
    await flush(a, 3);
    b.send(notification(3n, 0));
    await flush(b, 4);
    assert.is(items.length, 1);
    assert.is(t.node.stats().itemsDuplicate, 2);
    assert.is(b.messages(MessageType.PeerNotification).length, 1);
    assert.equal(a.messages(MessageType.PeerNotification), []);
  });
});

test('originate sends to every neighbour with the given ttl and marks the id seen', async () => {
  await withTwoNeighbours(() => 'valid', {}, async ({ t, a, b, items }) => {
    const id = t.node.originate({ ttl: 7, dataType: 3, data: new Uint8Array([9]) });
    for (const peer of [a, b]) {
      const got = await peer.next(MessageType.PeerNotification);
      assert.equal([got.messageId, got.ttl, got.dataType], [id, 7, 3]);
    }
    // It comes back from a neighbour: already seen.
    a.send(notification(id, 6));
    await flush(a, 5);
    assert.is(items.length, 0);
    assert.is(t.node.stats().itemsDuplicate, 1);
    assert.is(t.node.stats().itemsOriginated, 1);
  });
});

test('originate refuses what a PEER NOTIFICATION cannot carry', async () => {
  await withTwoNeighbours(() => 'valid', {}, async ({ t }) => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return (err as { code?: string }).code;
      }
      return 'no error';
    };
    const originate = (ttl: number, dataType: number, bytes: number) =>
      code(() => t.node.originate({ ttl, dataType, data: new Uint8Array(bytes) }));
    assert.is(originate(256, 1, 0), 'GOSSIP_ERR_P2P_BAD_ITEM');
    assert.is(originate(1, 70_000, 0), 'GOSSIP_ERR_P2P_BAD_ITEM');
    assert.is(originate(1, 1, MAX_ITEM_DATA + 1), 'GOSSIP_ERR_P2P_BAD_ITEM');
    assert.is(originate(1, 1, MAX_ITEM_DATA), 'no error');
  });
});

test('verdicts: invalid stops, unsubscribed is relayed, or stopped when relayUnsubscribed is off', async () => {
  const verdicts: Record<number, Verdict> = { 1: 'invalid', 2: 'unsubscribed', 3: 'valid' };
  for (const relayUnsubscribed of [true, false]) {
    const byId = (item: ReceivedItem) => verdicts[Number(item.messageId)]!;
    await withTwoNeighbours(byId, { relayUnsubscribed }, async ({ t, a, b, items }) => {
      for (const id of [1n, 2n, 3n]) a.send(notification(id, 0));
      await waitFor(() => t.node.stats().pendingValidations === 0 && items.length === 3);
      await flush(b, 6);
      const forwarded = b.messages(MessageType.PeerNotification).map((m) => m.messageId);
      assert.equal(forwarded, relayUnsubscribed ? [2n, 3n] : [3n]);
      const s = t.node.stats();
      assert.is(s.itemsStoppedInvalid, 1);
      assert.is(s.itemsStoppedUnsubscribed, relayUnsubscribed ? 0 : 1);
      // Stopped items are still seen.
      a.send(notification(1n, 0));
      await flush(a, 7);
      assert.is(items.length, 3);
    });
  }
});

test('a validator that throws counts as invalid and breaks nothing', async () => {
  await withTwoNeighbours(
    () => {
      throw new Error('boom');
    },
    {},
    async ({ t, a, b }) => {
      a.send(notification(5n, 0));
      await waitFor(() => t.node.stats().itemsStoppedInvalid === 1);
      await flush(b, 8);
      assert.equal(b.messages(MessageType.PeerNotification), []);
      assert.ok(t.log.find('validator failed', 'warn').length === 1);
      assert.is(t.node.neighbours().length, 2);
    },
  );
});

test('a full validation backlog pauses the links instead of dropping: a flood is slowed, nothing lost', async () => {
  const release: Array<() => void> = [];
  const slow = () => new Promise<Verdict>((resolve) => release.push(() => resolve('valid')));
  await withTwoNeighbours(slow, { maxPendingValidations: 4 }, async ({ t, a, b, items }) => {
    const total = 200;
    // One message per write, so the node sees them over many reads.
    for (let i = 0; i < total; i++) a.send(notification(1_000n + BigInt(i), 0));
    await waitFor(() => t.node.stats().linksPausedForBacklog > 0, { what: 'the flooding link to be paused' });
    // Paused, the node holds at most one read's worth beyond the limit, and has dropped nothing.
    assert.ok(t.node.stats().pendingValidations <= 8, `pending ${t.node.stats().pendingValidations}`);
    // Drain verdicts as they come until every item has been read and judged.
    while (items.length < total || release.length > 0) {
      for (const r of release.splice(0)) r();
      await waitFor(() => release.length > 0 || items.length === total, { what: `more items (${items.length})` });
      if (items.length === total) for (const r of release.splice(0)) r();
    }
    await waitFor(() => b.messages(MessageType.PeerNotification).length === total, { what: 'all forwarded' });
    const stats = t.node.stats();
    assert.is(stats.drops['validation-backlog-full'] ?? 0, 0, 'nothing dropped');
    assert.ok(stats.backlogPauses > 0);
    assert.is(stats.pendingValidations, 0);
    assert.is(stats.linksPausedForBacklog, 0, 'resumed once drained');
    assert.is(stats.notificationsIn, total);
    assertAccounted(stats);
  });
});

test.run();
