import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makePeerAddress, MessageType, type PeerAddress } from '@gossip5/protocol';
import { FakeClock, FakePeer, nextEvent, waitFor } from '@gossip5/testkit';
import { startNode, type TestNode } from '../helpers.js';

async function withNode(
  init: Parameters<typeof startNode>[0],
  components: Parameters<typeof startNode>[1],
  body: (t: TestNode) => Promise<void>,
): Promise<void> {
  const t = await startNode(init, components);
  try {
    await body(t);
  } finally {
    await t.node.stop();
  }
}

test('PING: answered pings keep the link, an unanswered one drops it', async () => {
  const clock = new FakeClock();
  await withNode({ pingIntervalMs: 1_000, pingTimeoutMs: 500 }, { clock }, async (t) => {
    const fake = await FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', 40101) });
    try {
      await fake.handshake();
      clock.advance(1_000);
      const ping = await fake.next(MessageType.Ping);
      assert.not.ok(ping.reply);
      fake.send({ type: MessageType.Ping, reply: true, token: ping.token });
      await waitFor(() => t.node.stats().messagesReceived.PING === 1, { what: 'the reply to arrive' });
      clock.advance(500);
      assert.is(t.node.neighbours().length, 1, 'answered in time: still a neighbour');
      clock.advance(500);
      await fake.next(MessageType.Ping);
      const down = nextEvent<PeerAddress>(t.node, 'neighbour-down');
      clock.advance(500);
      assert.equal(await down, fake.address);
      await fake.closedByRemote();
      assert.is(t.node.stats().linksDownByReason['ping-timeout'], 1);
      assert.ok(t.log.find('ping-timeout', 'warn').length === 1);
    } finally {
      fake.close();
    }
  });
});

test('a reply with a wrong token does not count as an answer', async () => {
  const clock = new FakeClock();
  await withNode({ pingIntervalMs: 1_000, pingTimeoutMs: 500 }, { clock }, async (t) => {
    const fake = await FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', 40102) });
    try {
      await fake.handshake();
      clock.advance(1_000);
      const ping = await fake.next(MessageType.Ping);
      fake.send({ type: MessageType.Ping, reply: true, token: (ping.token + 1) >>> 0 });
      await waitFor(() => t.node.stats().drops['ping-reply-unexpected'] === 1);
      clock.advance(500);
      await fake.closedByRemote();
      assert.is(t.node.stats().linksDownByReason['ping-timeout'], 1);
    } finally {
      fake.close();
    }
  });
});

test('PING: a neighbour heard from is not pinged; once quiet for pingIntervalMs it is, and closed if silent pingTimeoutMs more', async () => {
  const clock = new FakeClock();
  await withNode({ pingIntervalMs: 1_000, pingTimeoutMs: 500 }, { clock }, async (t) => {
    const fake = await FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', 40104) });
    try {
      await fake.handshake();
      // Traffic every 600 ms for 3 s (its own PINGs, answered): never 1 000 ms quiet, so never pinged.
      for (let i = 1; i <= 5; i++) {
        clock.advance(600);
        fake.send({ type: MessageType.Ping, reply: false, token: i });
        const answer = await fake.next(MessageType.Ping);
        assert.ok(answer.reply, 'only answers, no PING of its own');
      }
      assert.is(t.node.stats().messagesSent.PING ?? 0, 5, 'five answers, no request');
      clock.advance(999);
      assert.is(t.node.stats().messagesSent.PING ?? 0, 5, 'quiet for 999 ms: not yet pinged');
      clock.advance(1);
      const ping = await fake.next(MessageType.Ping);
      assert.not.ok(ping.reply, 'quiet for 1 000 ms: pinged');
      const down = nextEvent<PeerAddress>(t.node, 'neighbour-down');
      clock.advance(500);
      assert.equal(await down, fake.address);
      assert.is(t.node.stats().linksDownByReason['ping-timeout'], 1);
    } finally {
      fake.close();
    }
  });
});

test('PING: any frame after the PING answers it, and the late reply is not counted as unexpected', async () => {
  const clock = new FakeClock();
  await withNode({ pingIntervalMs: 1_000, pingTimeoutMs: 500 }, { clock }, async (t) => {
    const fake = await FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', 40105) });
    try {
      await fake.handshake();
      clock.advance(1_000);
      const ping = await fake.next(MessageType.Ping);
      fake.send({ type: MessageType.PeerRequest, max: 4 });
      await fake.next(MessageType.PeerResponse);
      clock.advance(500);
      assert.is(t.node.neighbours().length, 1, 'heard from after the PING: kept');
      fake.send({ type: MessageType.Ping, reply: true, token: ping.token });
      await waitFor(() => t.node.stats().messagesReceived.PING === 1, { what: 'the late reply to arrive' });
      assert.is(t.node.stats().drops['ping-reply-unexpected'] ?? 0, 0);
    } finally {
      fake.close();
    }
  });
});

test('a neighbour that stops reading is dropped once its send queue is full', async () => {
  await withNode({ sendQueueBytes: 65_536 }, {}, async (t) => {
    const fake = await FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', 40103) });
    try {
      await fake.handshake();
      fake.pause();
      const data = new Uint8Array(60_000);
      for (let i = 0; i < 2_000 && t.node.neighbours().length > 0; i++) {
        new DataView(data.buffer).setUint32(0, i); // distinct items: an item's id is its content
        t.node.originate({ ttl: 0, dataType: 1, data });
        await new Promise((r) => setImmediate(r));
      }
      assert.equal(t.node.neighbours(), []);
      assert.is(t.node.stats().drops['send-queue-full'], 1);
      assert.is(t.node.stats().linksDownByReason['send-queue-full'], 1);
    } finally {
      fake.close();
    }
  });
});

test('a malformed frame closes only its own link', async () => {
  await withNode({}, {}, async (t) => {
    const bad = await FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', 40104) });
    const good = await FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', 40105) });
    try {
      await bad.handshake();
      await good.handshake();
      bad.sendRaw(new Uint8Array([0, 2, 0x01, 0xfe])); // size 2 < 4
      await bad.closedByRemote();
      assert.is(t.node.stats().linksDownByReason.malformed, 1);
      const line = t.log.find('malformed', 'warn')[0];
      assert.is(line?.fields.remote, bad.local);
      assert.match(String(line?.fields.detail), /GOSSIP_ERR_SIZE_TOO_SMALL/);
      good.send({ type: MessageType.PeerRequest, max: 5 });
      const response = await good.next(MessageType.PeerResponse);
      assert.equal(response.peers, [], 'the only other neighbour was the one asking');
    } finally {
      bad.close();
      good.close();
    }
  });
});

test('PUSH: a node with room dials the newcomer and forwards the PUSH with ttl-1', async () => {
  const newcomer = await FakePeer.listen();
  try {
    await withNode({ degree: 4 }, {}, async (t) => {
      const a = await FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', 40106) });
      const b = await FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', 40107) });
      try {
        await a.handshake();
        await b.handshake();
        a.send({ type: MessageType.Push, ttl: 2, address: newcomer.address });
        const forwarded = await b.next(MessageType.Push);
        assert.equal([forwarded.ttl, forwarded.address], [1, newcomer.address]);
        const dialled = await newcomer.accept();
        await dialled.acceptHandshake({ difficulty: 4 });
        await waitFor(() => t.node.neighbours().length === 3);
        // The same PUSH again is not forwarded a second time, and a ttl 1 PUSH not at all.
        a.send({ type: MessageType.Push, ttl: 2, address: newcomer.address });
        a.send({ type: MessageType.Push, ttl: 1, address: makePeerAddress('127.0.0.1', 40108) });
        a.send({ type: MessageType.Ping, reply: false, token: 1 });
        await a.next(MessageType.Ping);
        b.send({ type: MessageType.Ping, reply: false, token: 2 });
        await b.next(MessageType.Ping);
        assert.is(b.messages(MessageType.Push).length, 1);
        assert.equal(
          a.messages(MessageType.Push).filter((p) => p.address.port === newcomer.address.port),
          [],
          'never back to the sender',
        );
      } finally {
        a.close();
        b.close();
      }
    });
  } finally {
    await newcomer.close();
  }
});

test('a neighbour that leaves is replaced from known addresses', async () => {
  const spare = await FakePeer.listen();
  try {
    await withNode({ degree: 1 }, {}, async (t) => {
      const first = await FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', 40109) });
      try {
        await first.handshake();
        // Full view: the PUSHed address is only remembered.
        first.send({ type: MessageType.Push, ttl: 1, address: spare.address });
        first.send({ type: MessageType.Ping, reply: false, token: 1 });
        await first.next(MessageType.Ping);
        assert.is(t.node.stats().pendingDials, 0);
        first.close();
        const replacement = await spare.accept();
        await replacement.acceptHandshake();
        await waitFor(() => t.node.neighbours().length === 1 && t.node.neighbours()[0]!.port === spare.address.port);
      } finally {
        first.close();
      }
    });
  } finally {
    await spare.close();
  }
});

test('shuffle: a full view dials a known address; once admitted, its oldest link gives way with a PUSH', async () => {
  const clock = new FakeClock();
  const other = await FakePeer.listen();
  try {
    await withNode({ degree: 1, shuffleIntervalMs: 1_000 }, { clock }, async (t) => {
      const first = await FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', 40113) });
      try {
        await first.handshake();
        // The view is full: the PUSHed address is only remembered.
        first.send({ type: MessageType.Push, ttl: 1, address: other.address });
        first.send({ type: MessageType.Ping, reply: false, token: 1 });
        await first.next(MessageType.Ping);
        assert.is(t.node.stats().pendingDials, 0);
        clock.advance(1_500); // the shuffle period plus its largest jitter
        const dialled = await other.accept();
        await dialled.acceptHandshake();
        // The old neighbour is pointed at the new one, then let go.
        const push = await first.next(MessageType.Push);
        assert.equal(push.address, other.address);
        await first.closedByRemote();
        assert.equal(t.node.neighbours(), [other.address]);
        assert.is(t.node.stats().linksDownByReason.shuffled, 1);
      } finally {
        first.close();
      }
    });
  } finally {
    await other.close();
  }
});

test('shuffle: a refusal costs nothing', async () => {
  const clock = new FakeClock();
  const other = await FakePeer.listen();
  try {
    await withNode({ degree: 1, shuffleIntervalMs: 1_000 }, { clock }, async (t) => {
      const first = await FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', 40114) });
      try {
        await first.handshake();
        first.send({ type: MessageType.Push, ttl: 1, address: other.address });
        first.send({ type: MessageType.Ping, reply: false, token: 1 });
        await first.next(MessageType.Ping);
        clock.advance(1_500);
        (await other.accept()).close(); // refused at HELLO
        await waitFor(() => t.node.stats().pendingDials === 0);
        assert.equal(t.node.neighbours(), [first.address]);
        assert.not.ok(first.closed);
        assert.is(t.node.stats().linksDown, 0);
      } finally {
        first.close();
      }
    });
  } finally {
    await other.close();
  }
});

test('PEER REQUEST is answered from the view and the known addresses, never with the requester', async () => {
  await withNode({ degree: 3 }, {}, async (t) => {
    const fakes = await Promise.all(
      [40110, 40111, 40112].map((p) => FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', p) })),
    );
    try {
      for (const f of fakes) await f.handshake();
      fakes[0]!.send({ type: MessageType.PeerRequest, max: 10 });
      const { peers } = await fakes[0]!.next(MessageType.PeerResponse);
      assert.equal(peers.map((p) => p.port).sort(), [40111, 40112]);
      fakes[1]!.send({ type: MessageType.PeerRequest, max: 1 });
      assert.is((await fakes[1]!.next(MessageType.PeerResponse)).peers.length, 1);
    } finally {
      for (const f of fakes) f.close();
    }
  });
});

test.run();
