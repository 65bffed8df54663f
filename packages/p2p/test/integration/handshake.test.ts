import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatPeerAddress, makePeerAddress, MessageType, type PeerAddress } from '@gossip5/protocol';
import { FakeClock, FakePeer, nextEvent, waitFor } from '@gossip5/testkit';
import { startNode, type TestNode } from '../helpers.js';

const HANDSHAKE_TIMEOUT = 5_000;

/** The warning a node logged when it closed the fake's connection. */
function closeLine(t: TestNode, reason: string) {
  return t.log.records.find((r) => r.fields.reason === reason && r.level === 'warn');
}

async function expectRefused(t: TestNode, fake: FakePeer, reason: string): Promise<void> {
  await fake.closedByRemote();
  await waitFor(() => t.node.stats().handshakesFailed[reason] === 1, { what: `handshakesFailed[${reason}]` });
  const line = closeLine(t, reason);
  assert.ok(line, `a warning names ${reason}`);
  assert.is(line!.fields.remote, fake.local, 'the warning names the remote address');
  assert.equal(t.node.neighbours(), []);
}

test('happy path: HELLO, VERIFICATION REQUEST, RESPONSE, PEER RESPONSE; then the link serves PING', async () => {
  const t = await startNode({ powDifficulty: 8 });
  const fake = await FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', 40001) });
  try {
    const up = nextEvent<PeerAddress>(t.node, 'neighbour-up');
    const request = await fake.hello();
    assert.is(request.difficulty, 8);
    assert.is(request.nonce.length, 16);
    fake.respond(request);
    const response = await fake.next(MessageType.PeerResponse);
    assert.equal(response.peers, []);
    assert.equal(await up, fake.address);
    assert.equal(t.node.neighbours(), [fake.address]);
    assert.is(t.node.neighbourDetails()[0]!.direction, 'inbound');
    fake.send({ type: MessageType.Ping, reply: false, token: 99 });
    const pong = await fake.next(MessageType.Ping);
    assert.equal([pong.reply, pong.token], [true, 99]);
    assert.is(t.node.stats().handshakesOk, 1);
  } finally {
    fake.close();
    await t.node.stop();
  }
});

test('every connection gets a fresh nonce', async () => {
  const t = await startNode();
  try {
    const nonces = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const fake = await FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', 41000 + i) });
      const request = await fake.hello();
      nonces.add(Buffer.from(request.nonce).toString('hex'));
      fake.close();
    }
    assert.is(nonces.size, 3);
  } finally {
    await t.node.stop();
  }
});

for (const [corrupt, reason] of [
  ['work', 'insufficient-work'],
  ['nonce', 'wrong-nonce'],
  ['address', 'address-mismatch'],
] as const) {
  test(`a VERIFICATION RESPONSE with a wrong ${corrupt} closes the connection (${reason})`, async () => {
    const t = await startNode({ powDifficulty: 8 });
    const fake = await FakePeer.connect(t.address);
    try {
      fake.respond(await fake.hello(), corrupt);
      await expectRefused(t, fake, reason);
      assert.equal(fake.messages(MessageType.PeerResponse), []);
    } finally {
      fake.close();
      await t.node.stop();
    }
  });
}

test('a message before HELLO closes the connection', async () => {
  const t = await startNode();
  const fake = await FakePeer.connect(t.address);
  try {
    fake.send({ type: MessageType.Ping, reply: false, token: 1 });
    await expectRefused(t, fake, 'message-before-hello');
  } finally {
    await t.node.stop();
  }
});

test('a second HELLO closes the connection', async () => {
  const t = await startNode();
  const fake = await FakePeer.connect(t.address);
  try {
    await fake.hello();
    fake.send({ type: MessageType.Hello, version: 1, address: fake.address });
    await expectRefused(t, fake, 'second-hello');
  } finally {
    await t.node.stop();
  }
});

test('a HELLO of another version is malformed and closes the connection', async () => {
  const t = await startNode();
  const fake = await FakePeer.connect(t.address);
  try {
    // size 13, type 508, version 2, flags 0, PeerAddress 4 / port 1 / 127.0.0.1
    fake.sendRaw(new Uint8Array([0, 13, 0x01, 0xfc, 2, 0, 4, 0, 1, 127, 0, 0, 1]));
    await expectRefused(t, fake, 'malformed');
    assert.match(String(closeLine(t, 'malformed')!.fields.detail), /GOSSIP_ERR_BAD_VERSION/);
  } finally {
    await t.node.stop();
  }
});

test('a stalled handshake times out, before HELLO and after it', async () => {
  const clock = new FakeClock();
  const t = await startNode({ handshakeTimeoutMs: HANDSHAKE_TIMEOUT }, { clock });
  const silent = await FakePeer.connect(t.address);
  const halfway = await FakePeer.connect(t.address);
  try {
    await halfway.hello();
    await waitFor(() => t.node.stats().pendingHandshakes === 2, { what: 'two pending handshakes' });
    clock.advance(HANDSHAKE_TIMEOUT - 1);
    assert.not.ok(silent.closed || halfway.closed);
    clock.advance(1);
    await silent.closedByRemote();
    await halfway.closedByRemote();
    assert.is(t.node.stats().handshakesFailed['handshake-timeout'], 2);
    assert.is(t.node.stats().pendingHandshakes, 0);
  } finally {
    await t.node.stop();
  }
});

test('a peer claiming the node’s own address is refused (self-link)', async () => {
  const t = await startNode();
  const fake = await FakePeer.connect(t.address, { address: t.address });
  try {
    await fake.hello().catch(() => undefined);
    await expectRefused(t, fake, 'self-link');
  } finally {
    await t.node.stop();
  }
});

test('one link per peer address: a second peer claiming a linked address is refused', async () => {
  const t = await startNode();
  const claimed = makePeerAddress('127.0.0.1', 40002);
  const first = await FakePeer.connect(t.address, { address: claimed });
  const second = await FakePeer.connect(t.address, { address: claimed });
  try {
    await first.handshake();
    await second.hello().catch(() => undefined);
    await second.closedByRemote();
    await waitFor(() => t.node.stats().handshakesFailed['duplicate-link'] === 1);
    assert.equal(t.node.neighbours(), [claimed]);
    assert.not.ok(first.closed);
  } finally {
    first.close();
    await t.node.stop();
  }
});

test('after the handshake, handshake messages and API types close the link; other links are unaffected', async () => {
  const t = await startNode();
  const a = await FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', 40003) });
  const b = await FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', 40004) });
  const c = await FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', 40005) });
  try {
    await Promise.all([a.handshake(), b.handshake(), c.handshake()]);
    a.send({ type: MessageType.Hello, version: 1, address: a.address });
    b.send({ type: MessageType.GossipNotify, dataType: 1 });
    await a.closedByRemote();
    await b.closedByRemote();
    assert.is(t.node.stats().linksDownByReason['unexpected-message'], 2);
    assert.equal(t.node.neighbours(), [c.address]);
    c.send({ type: MessageType.Ping, reply: false, token: 5 });
    assert.is((await c.next(MessageType.Ping)).token, 5);
  } finally {
    c.close();
    await t.node.stop();
  }
});

test('a non-bootstrapper with a full view refuses newcomers once their work is done, never at HELLO (fullViewAdmitChance 0)', async () => {
  const boot = await FakePeer.listen();
  const t = await startNode({
    degree: 1,
    bootstrapper: boot.address,
    backoffMinMs: 60_000,
    backoffMaxMs: 60_000,
    fullViewAdmitChance: 0,
  });
  try {
    // Keep the dial to the (fake) bootstrapper from taking the only slot: refuse it.
    (await boot.accept()).close();
    await waitFor(() => t.node.stats().pendingDials === 0);
    const a = await FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', 40006) });
    await a.handshake();
    const b = await FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', 40007) });
    b.respond(await b.hello());
    await b.closedByRemote();
    assert.is(b.messages(MessageType.VerificationRequest).length, 1, 'admission is decided after the work');
    assert.equal(b.messages(MessageType.PeerResponse), []);
    assert.is(t.node.stats().handshakesFailed['view-full'], 1);
    assert.equal(t.node.neighbours(), [a.address]);
    a.close();
  } finally {
    await t.node.stop();
    await boot.close();
  }
});

for (const [kind, init] of [
  ['a bootstrapper', {}],
  ['a node with fullViewAdmitChance 1', { bootstrapper: { host: '127.0.0.1', port: 9 }, fullViewAdmitChance: 1 }],
] as const) {
  test(`${kind} with a full view admits a newcomer and evicts its youngest unprotected neighbour`, async () => {
    const t = await startNode({ degree: 2, backoffMinMs: 60_000, backoffMaxMs: 60_000, ...init });
    const peers = [40008, 40009, 40010].map((p) => makePeerAddress('127.0.0.1', p));
    const fakes: FakePeer[] = [];
    try {
      for (const address of peers.slice(0, 2)) {
        const f = await FakePeer.connect(t.address, { address });
        await f.handshake();
        fakes.push(f);
      }
      const newcomer = await FakePeer.connect(t.address, { address: peers[2]! });
      fakes.push(newcomer);
      const response = await newcomer.handshake();
      // Of two links the older half (one) is protected: the younger goes.
      // The neighbour left, then a known address it linked with: the evicted one (it has room now), never the newcomer.
      assert.equal(response.peers, [peers[0], peers[1]], 'the view first, then verified known addresses');
      await fakes[1]!.closedByRemote();
      assert.ok(
        fakes[1]!.messages(MessageType.Push).some((p) => p.address.port === 40010 && p.ttl === 1),
        'the evicted neighbour is first pointed at the newcomer',
      );
      assert.equal(
        t.node.neighbours().map(formatPeerAddress).sort(),
        [peers[0]!, peers[2]!].map(formatPeerAddress).sort(),
      );
      assert.is(t.node.stats().linksDownByReason.evicted, 1);
      // The remaining neighbour hears of the newcomer through PUSH.
      // (It heard of the evicted one when that joined.)
      let push = await fakes[0]!.next(MessageType.Push);
      if (push.address.port === 40009) push = await fakes[0]!.next(MessageType.Push);
      assert.equal(push.address, peers[2]);
      assert.is(push.ttl, 3);
    } finally {
      for (const f of fakes) f.close();
      await t.node.stop();
    }
  });
}

test('as dialer: the node says HELLO with its address, proves work, and takes the PEER RESPONSE', async () => {
  const server = await FakePeer.listen();
  const other = makePeerAddress('127.0.0.1', 40011);
  const t = await startNode({ bootstrapper: server.address, maxAcceptedDifficulty: 12 });
  try {
    const fake = await server.accept();
    const up = nextEvent<PeerAddress>(t.node, 'neighbour-up');
    const hello = await fake.acceptHandshake({ difficulty: 12, peers: [other, t.address] });
    assert.equal(hello.address, t.address);
    assert.equal(await up, server.address);
    assert.is(t.node.neighbourDetails()[0]!.direction, 'outbound');
    // It learnt the other address from the PEER RESPONSE and dials it (nothing listens there).
    await waitFor(() => (t.node.stats().handshakesFailed['dial-failed'] ?? 0) >= 1, {
      what: 'a dial to the learnt address',
    });
    assert.is(t.node.stats().handshakesFailed['self-link'], undefined, 'never dials itself');
  } finally {
    await t.node.stop();
    await server.close();
  }
});

test('as dialer: a listener asking for too much work, or sending out of order, is dropped', async () => {
  const server = await FakePeer.listen();
  const t = await startNode({ bootstrapper: server.address, maxAcceptedDifficulty: 16, backoffMinMs: 1 });
  try {
    const greedy = await server.accept();
    await greedy.next(MessageType.Hello);
    greedy.send({ type: MessageType.VerificationRequest, difficulty: 40, nonce: new Uint8Array(16) });
    await greedy.closedByRemote();
    assert.is(t.node.stats().handshakesFailed['difficulty-too-high'], 1);
    // The view is empty, so the node dials its bootstrapper again.
    const rude = await server.accept();
    await rude.next(MessageType.Hello);
    rude.send({ type: MessageType.PeerResponse, peers: [] });
    await rude.closedByRemote();
    assert.is(t.node.stats().handshakesFailed['unexpected-message'], 1);
    assert.ok(t.log.find('difficulty-too-high', 'warn').length >= 1);
  } finally {
    await t.node.stop();
    await server.close();
  }
});

test('as dialer: a listener that never answers is dropped when the handshake times out', async () => {
  const clock = new FakeClock();
  const server = await FakePeer.listen();
  const t = await startNode({ bootstrapper: server.address, handshakeTimeoutMs: HANDSHAKE_TIMEOUT }, { clock });
  try {
    const mute = await server.accept();
    await mute.next(MessageType.Hello);
    clock.advance(HANDSHAKE_TIMEOUT);
    await mute.closedByRemote();
    assert.is(t.node.stats().handshakesFailed['handshake-timeout'], 1);
    assert.match(closeLine(t, 'handshake-timeout')!.msg, /stuck at await-request/);
  } finally {
    await t.node.stop();
    await server.close();
  }
});

test('IPv6: a node on ::1 completes the handshake', async () => {
  const t = await startNode({ host: '::1' });
  assert.is(t.address.family, 6);
  const fake = await FakePeer.connect(t.address, { address: makePeerAddress('::1', 40012) });
  try {
    await fake.handshake();
    assert.equal(t.node.neighbours(), [makePeerAddress('::1', 40012)]);
  } finally {
    fake.close();
    await t.node.stop();
  }
});

test.run();
