import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MessageType, makePeerAddress } from '@gossip5/protocol';
import { FakePeer } from '../src/fake-peer.js';

async function rejects(fn: () => Promise<unknown>, pattern?: RegExp): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (pattern) assert.match((err as Error).message, pattern);
    return;
  }
  assert.unreachable('expected a rejection');
}

test('two fakes run the whole handshake against each other', async () => {
  const server = await FakePeer.listen();
  try {
    const dialer = await FakePeer.connect(server.address, { address: makePeerAddress('127.0.0.1', 4242) });
    const accepted = server.accept();
    const handshake = dialer.handshake();
    const listener = await accepted;
    const peers = [makePeerAddress('10.0.0.1', 1), makePeerAddress('::1', 2)];
    const hello = await listener.acceptHandshake({ difficulty: 6, peers });
    assert.equal(hello.address, makePeerAddress('127.0.0.1', 4242));
    const response = await handshake;
    assert.equal(response.peers, peers);
    // Everything received is recorded, in order.
    assert.equal(
      dialer.received.map((m) => m.type),
      [MessageType.VerificationRequest, MessageType.PeerResponse],
    );
    assert.equal(
      listener.received.map((m) => m.type),
      [MessageType.Hello, MessageType.VerificationResponse],
    );
    dialer.close();
    await listener.closedByRemote();
    assert.ok(listener.closed);
  } finally {
    await server.close();
  }
});

for (const corrupt of ['nonce', 'address', 'work'] as const) {
  test(`a VERIFICATION RESPONSE broken by ${corrupt} is refused by a fake listener`, async () => {
    const server = await FakePeer.listen();
    try {
      const dialer = await FakePeer.connect(server.address);
      const listener = await server.accept();
      const accepting = listener.acceptHandshake({ difficulty: 8 });
      dialer.respond(await dialer.hello(), corrupt);
      await rejects(() => accepting, /wrong VERIFICATION RESPONSE/);
      await dialer.closedByRemote();
    } finally {
      await server.close();
    }
  });
}

test('next() picks messages by type, keeps the others, and raw frames that do not decode are recorded', async () => {
  const server = await FakePeer.listen();
  try {
    const a = await FakePeer.connect(server.address);
    const b = await server.accept();
    a.send({ type: MessageType.Ping, reply: false, token: 7 });
    a.send({ type: MessageType.PeerRequest, max: 3 });
    a.sendRaw(new Uint8Array([0, 4, 0x01, 0x00])); // type 256: unknown
    const req = await b.next(MessageType.PeerRequest);
    assert.is(req.max, 3);
    const ping = await b.next(MessageType.Ping);
    assert.is(ping.token, 7);
    assert.is(b.messages(MessageType.Ping).length, 1);
    await rejects(() => b.next(MessageType.Push, 50), /timed out/);
    assert.is(b.malformed.length, 1);
  } finally {
    await server.close();
  }
});

test.run();
