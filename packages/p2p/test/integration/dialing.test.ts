import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatPeerAddress, MessageType, type PeerAddress } from '@gossip5/protocol';
import { FakeClock, FakePeer, nextEvent, waitFor } from '@gossip5/testkit';
import { createP2PNode } from '../../src/node.js';
import { acceptAll, TEST_NODE_DEFAULTS } from '../../src/testing/index.js';
import { startNode, type TestNode } from '../helpers.js';

test('simultaneous dials settle on one link: the one dialled by the lower address', async () => {
  const nodes: TestNode[] = [];
  try {
    for (let i = 0; i < 6; i++) nodes.push(await startNode({ degree: 2 }));
    for (let i = 0; i < 6; i += 2) {
      const [a, b] = [nodes[i]!, nodes[i + 1]!];
      assert.ok(a.node.connect(b.address));
      assert.ok(b.node.connect(a.address));
    }
    for (let i = 0; i < 6; i += 2) {
      const [a, b] = [nodes[i]!, nodes[i + 1]!];
      await waitFor(
        () =>
          a.node.stats().pendingDials + b.node.stats().pendingDials === 0 &&
          a.node.neighbours().length === 1 &&
          b.node.neighbours().length === 1,
        { what: `pair ${i} to settle` },
      );
      assert.equal(a.node.neighbours(), [b.address]);
      assert.equal(b.node.neighbours(), [a.address]);
      const [low, high] = formatPeerAddress(a.address) < formatPeerAddress(b.address) ? [a, b] : [b, a];
      assert.is(low.node.neighbourDetails()[0]!.direction, 'outbound', 'the lower address dialled the kept link');
      assert.is(high.node.neighbourDetails()[0]!.direction, 'inbound');
      assert.is(a.node.stats().linksUp + b.node.stats().linksUp, 2, 'no link came up and went down again');
      const settled = (t: TestNode) => t.node.stats().handshakesFailed['simultaneous-dial'] ?? 0;
      assert.ok(settled(a) + settled(b) >= 1, 'the conflict was seen and settled');
    }
  } finally {
    await Promise.all(nodes.map((t) => t.node.stop()));
  }
});

test('connect refuses self, linked and in-progress addresses', async () => {
  const a = await startNode();
  const b = await startNode();
  try {
    assert.not.ok(a.node.connect(a.address), 'self');
    assert.ok(a.node.connect(b.address));
    assert.not.ok(a.node.connect(b.address), 'already dialling');
    await waitFor(() => a.node.neighbours().length === 1);
    assert.not.ok(a.node.connect(b.address), 'already linked');
    assert.not.ok(b.node.connect(a.address), 'linked from the other side');
  } finally {
    await a.node.stop();
    await b.node.stop();
  }
});

test('the default solver (a worker thread) proves the work of a real join', async () => {
  const listener = await startNode({ powDifficulty: 14 });
  const log = listener.log;
  const dialer = createP2PNode(
    { ...TEST_NODE_DEFAULTS, bootstrapper: listener.address },
    { validator: acceptAll },
  );
  try {
    const up = nextEvent<PeerAddress>(listener.node, 'neighbour-up');
    const address = await dialer.start();
    assert.equal(await up, address);
    await waitFor(() => dialer.neighbours().length === 1, { what: 'the dialer to take the PEER RESPONSE' });
    assert.equal(dialer.neighbours(), [listener.address]);
    assert.is(log.find('insufficient-work').length, 0);
  } finally {
    await dialer.stop();
    await listener.node.stop();
  }
});

test('an empty view re-dials the bootstrapper with exponential back-off', async () => {
  const clock = new FakeClock();
  const boot = await FakePeer.listen();
  const t = await startNode(
    { bootstrapper: boot.address, backoffMinMs: 1_000, backoffMaxMs: 4_000, dialRetryMs: 1_000_000_000 },
    { clock },
  );
  const dials = () => t.node.stats().pendingDials;
  try {
    const first = await boot.accept();
    await first.acceptHandshake();
    await waitFor(() => t.node.neighbours().length === 1);
    first.close();
    await waitFor(() => t.node.neighbours().length === 0);
    // Each attempt below fails during the handshake, so the next waits twice as long (up to the max).
    for (const delay of [1_000, 2_000, 4_000, 4_000]) {
      assert.is(dials(), 0);
      clock.advance(delay - 1);
      assert.is(dials(), 0, `no re-dial before ${delay} ms`);
      clock.advance(1);
      assert.is(dials(), 1, `re-dial after ${delay} ms`);
      const attempt = await boot.accept();
      await attempt.next(MessageType.Hello);
      attempt.close();
      await waitFor(() => dials() === 0);
    }
    // A link that lasts resets the back-off.
    clock.advance(4_000);
    const again = await boot.accept();
    await again.acceptHandshake();
    await waitFor(() => t.node.neighbours().length === 1);
    clock.advance(100); // a maintenance round sees the view and resets the back-off
    again.close();
    await waitFor(() => t.node.neighbours().length === 0);
    clock.advance(999);
    assert.is(dials(), 0, 'no re-dial before the shortest delay');
    clock.advance(1);
    assert.is(dials(), 1, 'back to the shortest delay');
  } finally {
    await t.node.stop();
    await boot.close();
  }
});

test('from one PEER RESPONSE the node dials at most half of degree addresses', async () => {
  const boot = await FakePeer.listen();
  const others = await Promise.all(Array.from({ length: 8 }, () => FakePeer.listen()));
  const t = await startNode({ degree: 6, bootstrapper: boot.address, maintenanceIntervalMs: 600_000 });
  try {
    const fake = await boot.accept();
    await fake.acceptHandshake({ peers: others.map((o) => o.address) });
    await waitFor(() => t.node.neighbours().length === 1);
    // The others accept but never answer, so their dials stay pending and countable.
    assert.is(t.node.stats().pendingDials, 3);
    assert.is(t.node.stats().knownPeers, 9, 'every address is remembered');
  } finally {
    await t.node.stop();
    await boot.close();
    await Promise.all(others.map((o) => o.close()));
  }
});

test('node API: bad options, double start, stop idempotent, originate after stop, listen errors', async () => {
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return (err as { code?: string }).code;
    }
    return 'no error';
  };
  const make = (over: object) => () => createP2PNode({ ...TEST_NODE_DEFAULTS, ...over }, { validator: acceptAll });
  assert.is(code(make({ degree: 0 })), 'GOSSIP_ERR_P2P_BAD_OPTION');
  assert.is(code(make({ host: 'localhost' })), 'GOSSIP_ERR_P2P_BAD_OPTION');
  assert.is(code(make({ pushTtl: 256 })), 'GOSSIP_ERR_P2P_BAD_OPTION');
  assert.is(code(make({ bootstrapper: { host: '127.0.0.1', port: 0 } })), 'GOSSIP_ERR_P2P_BAD_OPTION');
  assert.is(code(make({ seenTtlMs: -1 })), 'GOSSIP_ERR_P2P_BAD_OPTION');
  assert.is(code(make({ powDifficulty: 65 })), 'GOSSIP_ERR_P2P_BAD_OPTION');
  assert.is(code(() => createP2PNode({ ...TEST_NODE_DEFAULTS }, {} as never)), 'GOSSIP_ERR_P2P_BAD_OPTION');

  const t = await startNode();
  try {
    let startAgain: unknown;
    await t.node.start().catch((err) => (startAgain = err));
    assert.is((startAgain as { code?: string }).code, 'GOSSIP_ERR_P2P_BAD_STATE');
    const clash = createP2PNode({ ...TEST_NODE_DEFAULTS, port: t.address.port }, { validator: acceptAll });
    let listenError: unknown;
    await clash.start().catch((err) => (listenError = err));
    assert.is((listenError as { code?: string }).code, 'EADDRINUSE');
    assert.is(clash.address, undefined);
    await clash.stop();
  } finally {
    await Promise.all([t.node.stop(), t.node.stop()]);
  }
  assert.is(code(() => t.node.originate({ ttl: 1, dataType: 1, data: new Uint8Array() })), 'GOSSIP_ERR_P2P_BAD_STATE');
  await t.node.stop();
});

test.run();
