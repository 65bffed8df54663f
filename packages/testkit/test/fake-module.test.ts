import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server, type Socket } from 'node:net';
import { FrameDecoder, MessageType, decodeMessage, encodeMessage, type Message } from '@gossip5/protocol';
import { FakeModule } from '../src/fake-module.js';
import { waitFor } from '../src/net.js';

/** A minimal stand-in for the gossip side: records decoded frames, lets the test write raw bytes. */
async function gossipStub(): Promise<{
  server: Server;
  port: number;
  received: Message[];
  socket: () => Promise<Socket>;
  close: () => Promise<void>;
}> {
  const received: Message[] = [];
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    const dec = new FrameDecoder();
    s.on('data', (c: Buffer) => {
      for (const f of dec.push(c)) received.push(decodeMessage(f));
    });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    server,
    port,
    received,
    socket: () => waitFor(() => sockets[sockets.length - 1]) as Promise<Socket>,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

function notification(messageId: number, dataType: number, data: number[]): Uint8Array {
  return encodeMessage({ type: MessageType.GossipNotification, messageId, dataType, data: Uint8Array.from(data) });
}

test('subscribe, announce, validate and sendRaw put the exact frames on the wire', async () => {
  const g = await gossipStub();
  const m = await FakeModule.connect(g.port);
  try {
    m.subscribe(0x1234);
    m.announce({ ttl: 3, dataType: 7, data: Uint8Array.from([1, 2]) });
    m.validate(9, false);
    m.sendRaw(encodeMessage({ type: MessageType.GossipNotify, dataType: 5 }));
    await waitFor(() => g.received.length === 4);
    const [notify, announce, validation, raw] = g.received;
    assert.equal(notify, { type: MessageType.GossipNotify, dataType: 0x1234 });
    assert.ok(announce?.type === MessageType.GossipAnnounce);
    assert.equal([announce.ttl, announce.dataType, [...announce.data]], [3, 7, [1, 2]]);
    assert.equal(validation, { type: MessageType.GossipValidation, messageId: 9, valid: false });
    assert.equal(raw, { type: MessageType.GossipNotify, dataType: 5 });
    assert.match(m.localAddress, /^127\.0\.0\.1:\d+$/);
  } finally {
    m.destroy();
    await g.close();
  }
});

test('policies: valid, invalid, silent and custom answers, each by message id', async () => {
  const g = await gossipStub();
  const m = await FakeModule.connect(g.port);
  try {
    const s = await g.socket();
    s.write(notification(1, 10, [0]));
    await m.nextNotification();
    m.policy = 'invalid';
    s.write(notification(2, 10, [0]));
    await m.nextNotification();
    m.policy = 'silent';
    s.write(notification(3, 10, [0]));
    await m.nextNotification();
    m.policy = (n) => (n.data[0] === 1 ? true : n.data[0] === 2 ? false : undefined);
    s.write(Buffer.concat([notification(4, 10, [1]), notification(5, 10, [2]), notification(6, 10, [3])]));
    await m.waitForNotifications(6);
    m.policy = 'valid';
    s.write(notification(7, 10, []));
    await m.nextNotification();
    await waitFor(() => g.received.length === 5);
    assert.equal(
      g.received.map((r) => (r.type === MessageType.GossipValidation ? [r.messageId, r.valid] : r.type)),
      [
        [1, true],
        [2, false],
        [4, true],
        [5, false],
        [7, true],
      ],
    );
    assert.equal(m.validationsSent.map((v) => v.messageId), [1, 2, 4, 5, 7]);
  } finally {
    m.destroy();
    await g.close();
  }
});

test('notifications split byte by byte are decoded; nextNotification is a cursor', async () => {
  const g = await gossipStub();
  const m = await FakeModule.connect(g.port, '127.0.0.1', { policy: 'silent' });
  try {
    const s = await g.socket();
    const next = m.nextNotification();
    const wire = Buffer.concat([notification(1, 2, [3, 4, 5]), notification(2, 2, [6])]);
    for (const b of wire) {
      await new Promise<void>((r) => s.write(Buffer.from([b]), () => r()));
    }
    const first = await next;
    assert.equal([first.messageId, first.dataType, [...first.data]], [1, 2, [3, 4, 5]]);
    const second = await m.nextNotification();
    assert.is(second.messageId, 2);
    assert.is(m.notifications.length, 2);
    assert.equal(m.unexpected, []);
  } finally {
    m.destroy();
    await g.close();
  }
});

test('other message types from the server are recorded as unexpected', async () => {
  const g = await gossipStub();
  const m = await FakeModule.connect(g.port);
  try {
    const s = await g.socket();
    s.write(encodeMessage({ type: MessageType.GossipNotify, dataType: 1 }));
    s.write(notification(1, 1, []));
    await m.nextNotification();
    assert.is(m.unexpected.length, 1);
    assert.is(m.unexpected[0]!.type, MessageType.GossipNotify);
  } finally {
    m.destroy();
    await g.close();
  }
});

test('pauseReading holds notifications back until resumeReading', async () => {
  const g = await gossipStub();
  const m = await FakeModule.connect(g.port, '127.0.0.1', { policy: 'silent' });
  try {
    const s = await g.socket();
    m.pauseReading();
    s.write(notification(1, 1, [1]));
    s.write(notification(2, 1, [2]));
    // Proof that the bytes were delivered to the client side while paused: the module stays at 0.
    await waitFor(() => s.writableLength === 0);
    assert.is(m.notifications.length, 0);
    m.resumeReading();
    assert.is((await m.waitForNotifications(2)).length, 2);
  } finally {
    m.destroy();
    await g.close();
  }
});

test('closed resolves when the server closes; pending waits fail instead of hanging', async () => {
  const g = await gossipStub();
  const m = await FakeModule.connect(g.port);
  const waiting = m.nextNotification();
  (await g.socket()).destroy();
  await m.waitForClose();
  assert.not.ok(m.isOpen);
  try {
    await waiting;
    assert.unreachable('should reject');
  } catch (err) {
    assert.match((err as Error).message, 'closed');
  }
  try {
    await m.nextNotification();
    assert.unreachable('should reject');
  } catch (err) {
    assert.match((err as Error).message, 'closed');
  }
  m.sendRaw(Uint8Array.from([1, 2, 3])); // a no-op once closed, not a throw
  await g.close();
});

test('waits time out with a clear error', async () => {
  const g = await gossipStub();
  const m = await FakeModule.connect(g.port, '127.0.0.1', { waitTimeoutMs: 20 });
  try {
    try {
      await m.waitForNotifications(1);
      assert.unreachable('should time out');
    } catch (err) {
      assert.match((err as Error).message, 'timed out');
    }
    try {
      await m.waitForClose();
      assert.unreachable('should time out');
    } catch (err) {
      assert.match((err as Error).message, 'not closed');
    }
  } finally {
    m.destroy();
    await g.close();
  }
});

test('close() ends the connection from the module side', async () => {
  const g = await gossipStub();
  const m = await FakeModule.connect(g.port);
  const s = await g.socket();
  const ended = new Promise<void>((r) => s.once('end', () => r()));
  await Promise.all([m.close(), ended]);
  assert.not.ok(m.isOpen);
  await g.close();
});

test('connect() rejects when nothing listens', async () => {
  const g = await gossipStub();
  const port = g.port;
  await g.close();
  try {
    await FakeModule.connect(port);
    assert.unreachable('should reject');
  } catch (err) {
    assert.is((err as NodeJS.ErrnoException).code, 'ECONNREFUSED');
  }
});

test.run();
