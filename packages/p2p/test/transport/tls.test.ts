import { connect as netConnect, createServer, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeMessage, makePeerAddress, MessageType } from '@gossip5/protocol';
import { FakeClock, nextEvent } from '@gossip5/testkit';
import type { HostIdentity } from '../../src/identity/host-identity.js';
import { IdentityPins } from '../../src/identity/pins.js';
import { tcpTransport } from '../../src/transport/tcp.js';
import { tlsTransport } from '../../src/transport/tls.js';
import type { Connection, DialFailure, Listener } from '../../src/transport/types.js';
import { makeIdentity } from '../keys.js';

const ed = await makeIdentity('ed25519');
const rsa = await makeIdentity('rsa');
const other = await makeIdentity('ed25519');

interface Side {
  pins: IdentityPins;
  refused: Array<{ reason: string; remote: string; detail: string }>;
  accepted: Connection[];
  /** What each accepted connection delivered (listening from the start, as a Link does). */
  received: Buffer[][];
  listener: Listener;
  port: number;
  clock: FakeClock;
  transport: ReturnType<typeof tlsTransport>;
}

async function side(identity: HostIdentity, allowPlaintext = false): Promise<Side> {
  const clock = new FakeClock();
  const pins = new IdentityPins({ limit: 100 });
  const refused: Side['refused'] = [];
  const accepted: Connection[] = [];
  const received: Buffer[][] = [];
  const transport = tlsTransport({
    identity,
    inner: tcpTransport,
    pins,
    allowPlaintext,
    handshakeTimeoutMs: 5_000,
    clock,
    onRefused: (reason, remote, detail) => refused.push({ reason, remote, detail }),
  });
  const listener = await transport.listen('127.0.0.1', 0, (c) => {
    const got: Buffer[] = [];
    c.on('data', (d) => got.push(d));
    accepted.push(c);
    received.push(got);
  }, () => {});
  return { pins, refused, accepted, received, listener, port: listener.port, clock, transport };
}

const failure = (p: Promise<unknown>) => p.then(() => undefined, (f: DialFailure) => f);
const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setImmediate(r));
};

test('RSA and Ed25519 nodes link over TLS 1.3; each sees the other identity; the dialer pins it', async () => {
  const a = await side(rsa);
  const b = await side(ed);
  try {
    const c = await a.transport.dial(makePeerAddress('127.0.0.1', b.port), 1_000, a.clock).connection;
    assert.equal(c.peerIdentity, ed.id);
    assert.equal(a.pins.get(`127.0.0.1:${b.port}`), ed.id);
    await until(() => b.accepted.length === 1);
    const s = b.accepted[0]!;
    assert.equal(s.peerIdentity, rsa.id);
    assert.is((s as unknown as { getProtocol(): string }).getProtocol(), 'TLSv1.3');
    c.write(new Uint8Array([1, 2, 3]));
    await until(() => b.received[0]!.length > 0);
    assert.equal([...Buffer.concat(b.received[0]!)], [1, 2, 3]);
    c.destroy();
  } finally {
    await Promise.all([a.listener.close(), b.listener.close()]);
  }
});

test('a plaintext HELLO to a keyed node gets nothing back: closed, refused as plaintext-refused', async () => {
  const b = await side(ed);
  try {
    const s = netConnect({ host: '127.0.0.1', port: b.port });
    const received: Buffer[] = [];
    s.on('data', (d: Buffer) => received.push(d));
    s.on('error', () => {});
    s.write(encodeMessage({ type: MessageType.Hello, version: 1, address: makePeerAddress('127.0.0.1', 1) }));
    await nextEvent(s, 'close');
    assert.equal(received, [], 'no VERIFICATION REQUEST, no byte at all');
    assert.is(b.accepted.length, 0);
    assert.is(b.refused.length, 1);
    assert.is(b.refused[0]!.reason, 'plaintext-refused');
    assert.match(b.refused[0]!.remote, /^127\.0\.0\.1:\d+$/);
  } finally {
    await b.listener.close();
  }
});

test('with allowPlaintext the plaintext connection reaches the engine with its first bytes intact', async () => {
  const b = await side(ed, true);
  try {
    const s = netConnect({ host: '127.0.0.1', port: b.port });
    const hello = encodeMessage({ type: MessageType.Hello, version: 1, address: makePeerAddress('127.0.0.1', 1) });
    s.write(hello);
    await until(() => b.accepted.length === 1);
    assert.is(b.accepted[0]!.peerIdentity, undefined);
    await until(() => Buffer.concat(b.received[0]!).length >= hello.length);
    assert.equal([...Buffer.concat(b.received[0]!)], [...hello]);
    s.destroy();
  } finally {
    await b.listener.close();
  }
});

test('a dial that reaches another key than the pinned one fails with identity-mismatch', async () => {
  const a = await side(rsa);
  const b = await side(ed);
  try {
    const key = `127.0.0.1:${b.port}`;
    a.pins.verified(key, other.id);
    const f = await failure(a.transport.dial(makePeerAddress('127.0.0.1', b.port), 1_000, a.clock).connection);
    assert.is(f?.reason, 'identity-mismatch');
    assert.ok(f?.detail.includes(ed.hex) && f.detail.includes(other.hex), f?.detail);
    assert.equal(a.pins.get(key), other.id, 'the pin stays');
  } finally {
    await Promise.all([a.listener.close(), b.listener.close()]);
  }
});

test('a TLS client without a certificate is refused as bad-peer-key', async () => {
  const b = await side(ed);
  try {
    const s = tlsConnect({ host: '127.0.0.1', port: b.port, rejectUnauthorized: false, ALPNProtocols: ['gossip5/1'] });
    s.on('error', () => {});
    await nextEvent(s, 'close');
    await until(() => b.refused.length === 1);
    assert.is(b.refused[0]!.reason, 'bad-peer-key');
    assert.is(b.accepted.length, 0);
  } finally {
    await b.listener.close();
  }
});

test('a recorded TLS handshake replayed byte for byte is refused and never reaches the engine', async () => {
  const b = await side(ed);
  const a = await side(rsa);
  // A recording proxy in front of b.
  const recorded: Buffer[] = [];
  const proxy = createServer((client: Socket) => {
    const upstream = netConnect({ host: '127.0.0.1', port: b.port });
    client.on('data', (d: Buffer) => {
      recorded.push(d);
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => client.write(d));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => {});
    upstream.on('error', () => {});
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const proxyPort = (proxy.address() as { port: number }).port;
  try {
    const c = await a.transport.dial(makePeerAddress('127.0.0.1', proxyPort), 1_000, a.clock).connection;
    await until(() => b.accepted.length === 1);
    c.write(new Uint8Array([9]));
    await until(() => b.received[0]!.length > 0);
    c.destroy();
    // Replay everything the dialer sent, in one go, on a fresh connection.
    const replay = netConnect({ host: '127.0.0.1', port: b.port });
    replay.on('error', () => {});
    replay.resume(); // read what the listener answers, so that the close comes through
    const closed = nextEvent(replay, 'close');
    replay.write(Buffer.concat(recorded));
    await closed;
    await until(() => b.refused.length === 1);
    assert.is(b.refused[0]!.reason, 'tls-failed');
    assert.is(b.accepted.length, 1, 'only the real connection was accepted');
  } finally {
    proxy.close();
    await Promise.all([a.listener.close(), b.listener.close()]);
  }
});

test('a connection that sends nothing is closed at the handshake timeout', async () => {
  const b = await side(ed);
  try {
    const s = netConnect({ host: '127.0.0.1', port: b.port });
    s.on('error', () => {});
    await nextEvent(s, 'connect');
    await until(() => b.clock.pending > 0);
    b.clock.advance(5_000);
    await nextEvent(s, 'close');
    assert.is(b.refused[0]?.reason, 'handshake-timeout');
  } finally {
    await b.listener.close();
  }
});

test.run();
