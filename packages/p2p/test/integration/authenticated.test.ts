/**
 * Authenticated links between real nodes over TCP: keyed networks form and spread, plaintext peers,
 * forged identities, relays that swap keys and duplicate keys are refused, mixed mode works.
 */
import { connect as netConnect, type Server } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  encodeMessage,
  formatPeerAddress,
  HelloFlag,
  makePeerAddress,
  MessageType,
  type PeerAddress,
} from '@gossip5/protocol';
import { FakeClock, nextEvent, waitFor } from '@gossip5/testkit';
import type { HostIdentity } from '../../src/identity/host-identity.js';
import { IdentityPins } from '../../src/identity/pins.js';
import { tcpTransport } from '../../src/transport/tcp.js';
import { tlsTransport } from '../../src/transport/tls.js';
import type { Connection } from '../../src/transport/types.js';
import { startNode, type TestNode } from '../helpers.js';
import { makeIdentity } from '../keys.js';

const boot = (t: TestNode) => ({ host: t.address.host, port: t.address.port });
const stopAll = (nodes: TestNode[]) => Promise.all(nodes.map((t) => t.node.stop()));
const warned = (t: TestNode, reason: string) =>
  t.log.records.filter((r) => r.fields.reason === reason && r.level === 'warn');

test('RSA and Ed25519 nodes form a network over TLS and spread items to every node', async () => {
  const ids = await Promise.all([makeIdentity('rsa'), makeIdentity('ed25519'), makeIdentity('ed25519'), makeIdentity('rsa')]);
  const b = await startNode({}, { identity: ids[0] });
  const nodes = [b];
  try {
    for (const id of ids.slice(1)) nodes.push(await startNode({ bootstrapper: boot(b) }, { identity: id }));
    await waitFor(() => nodes.every((t) => t.node.neighbours().length >= 1), { what: 'every node linked' });
    // Neighbours are known by the key they proved.
    const byAddress = new Map(nodes.map((t, i) => [formatPeerAddress(t.address), ids[i]!.hex]));
    for (const t of nodes) {
      assert.is(t.node.identity, ids[nodes.indexOf(t)]!.hex);
      for (const n of t.node.neighbourDetails()) assert.is(n.identity, byAddress.get(formatPeerAddress(n.address)));
    }
    const data = new TextEncoder().encode('over TLS');
    const id = nodes[3]!.node.originate({ ttl: 0, dataType: 7, data });
    await waitFor(() => nodes.every((t) => t.node.knowledge().some((k) => k.messageId === id)), { what: 'item everywhere' });
    for (const t of nodes) assert.equal(Object.keys(t.node.stats().handshakesFailed).filter((r) => r !== 'simultaneous-dial' && r !== 'duplicate-link' && r !== 'view-full'), []);
  } finally {
    await stopAll(nodes);
  }
});

test('a plaintext node cannot join a keyed one: refused before any handshake, one warning each', async () => {
  const k = await startNode({}, { identity: await makeIdentity('ed25519') });
  const p = await startNode({ bootstrapper: boot(k), maxDialFailures: 100 });
  try {
    await waitFor(() => k.node.stats().handshakesFailed['plaintext-refused']! >= 1, { what: 'plaintext refused' });
    assert.equal(k.node.neighbours(), []);
    assert.equal(p.node.neighbours(), []);
    const line = warned(k, 'plaintext-refused')[0]!;
    assert.match(String(line.fields.remote), /^127\.0\.0\.1:\d+$/);
    assert.is(p.node.stats().messagesReceived['VERIFICATION REQUEST'] ?? 0, 0, 'no plaintext handshake came back');
  } finally {
    await stopAll([k, p]);
  }
});

test('a plaintext HELLO to a keyed node gets no plaintext handshake back', async () => {
  const k = await startNode({}, { identity: await makeIdentity('ed25519') });
  try {
    const s = netConnect({ host: '127.0.0.1', port: k.address.port });
    const got: Buffer[] = [];
    s.on('data', (d: Buffer) => got.push(d));
    s.on('error', () => {});
    s.write(encodeMessage({ type: MessageType.Hello, version: 1, address: makePeerAddress('127.0.0.1', 40001) }));
    await nextEvent(s, 'close');
    assert.equal(got, []);
    assert.is(k.node.stats().messagesSent['VERIFICATION REQUEST'] ?? 0, 0);
  } finally {
    await k.node.stop();
  }
});

/** A TLS transport over TCP with `identity` that refuses plaintext: what the raw clients and the relay speak. */
function strictTls(identity: HostIdentity) {
  return tlsTransport({
    identity,
    inner: tcpTransport,
    pins: new IdentityPins({ limit: 10 }),
    allowPlaintext: false,
    handshakeTimeoutMs: 5_000,
    clock: new FakeClock(),
    onRefused: () => {},
  });
}

/** A raw authenticated client with `identity`, for crafting HELLOs by hand. */
async function rawTlsClient(identity: HostIdentity, to: PeerAddress): Promise<Connection> {
  const t = strictTls(identity);
  return t.dial(to, 2_000, new FakeClock()).connection;
}

test('a forged identity: a key claiming an address pinned to another key is refused (identity-mismatch)', async () => {
  const [idA, idC, idX] = await Promise.all([makeIdentity('ed25519'), makeIdentity('ed25519'), makeIdentity('ed25519')]);
  // C dials A, so C has A's address pinned to A's key.
  const a = await startNode({}, { identity: idA });
  const c = await startNode({ bootstrapper: boot(a) }, { identity: idC });
  try {
    await waitFor(() => c.node.neighbours().length === 1, { what: 'C linked to A' });
    // X, with its own key, says HELLO from A's address.
    const x = await rawTlsClient(idX, c.address);
    x.on('error', () => {});
    x.write(encodeMessage({ type: MessageType.Hello, version: 1, address: a.address, flags: HelloFlag.Authenticated }));
    await nextEvent(x, 'close');
    await waitFor(() => c.node.stats().handshakesFailed['identity-mismatch'] === 1, { what: 'identity-mismatch' });
    assert.is(warned(c, 'identity-mismatch').length, 1, 'one warning line');
    assert.equal(c.node.neighbours(), [a.address], 'the real link is untouched');
  } finally {
    await stopAll([a, c]);
  }
});

test('a HELLO without flag bit 2 over TLS, or with it on plaintext, is refused (auth-flag-mismatch)', async () => {
  const k = await startNode({ allowPlaintext: true }, { identity: await makeIdentity('ed25519') });
  try {
    const x = await rawTlsClient(await makeIdentity('ed25519'), k.address);
    x.on('error', () => {});
    x.write(encodeMessage({ type: MessageType.Hello, version: 1, address: makePeerAddress('127.0.0.1', 40002) }));
    await nextEvent(x, 'close');
    const s = netConnect({ host: '127.0.0.1', port: k.address.port });
    s.on('error', () => {});
    s.resume();
    s.write(encodeMessage({ type: MessageType.Hello, version: 1, address: makePeerAddress('127.0.0.1', 40003), flags: HelloFlag.Authenticated }));
    await nextEvent(s, 'close');
    await waitFor(() => k.node.stats().handshakesFailed['auth-flag-mismatch'] === 2, { what: 'two refusals' });
  } finally {
    await k.node.stop();
  }
});

/** A relay on its own port that terminates TLS with its own key and dials `target` with that key. */
async function keySwappingRelay(identity: HostIdentity, target: PeerAddress): Promise<{ server: Server; port: number }> {
  const t = strictTls(identity);
  const sockets: Connection[] = [];
  const listener = await t.listen(
    '127.0.0.1',
    0,
    (victim) => {
      sockets.push(victim);
      const held: Buffer[] = [];
      victim.on('data', (d) => held.push(d));
      victim.on('error', () => {});
      t.dial(target, 2_000, new FakeClock()).connection.then((up) => {
        up.on('error', () => {});
        for (const d of held.splice(0)) up.write(d);
        victim.on('data', (d) => up.write(d));
        up.on('data', (d) => victim.write(d));
        up.on('close', () => victim.destroy());
        victim.on('close', () => up.destroy());
      }, () => victim.destroy());
    },
    () => {},
  );
  return { server: { close: () => listener.close() } as unknown as Server, port: listener.port };
}

test('a man in the middle that swaps keys: refused by the pin, or by the identity-bound proof of work', async () => {
  const [idB, idA, idA2, idM] = await Promise.all([
    makeIdentity('ed25519'),
    makeIdentity('ed25519'),
    makeIdentity('rsa'),
    makeIdentity('ed25519'),
  ]);
  const b = await startNode({}, { identity: idB });
  const relay = await keySwappingRelay(idM, b.address);
  const relay2 = await keySwappingRelay(idM, b.address);
  const viaRelay = { host: '127.0.0.1', port: relay.port };
  // 1. A knows B's identity (pinned out of band): the relay's key does not match, A refuses at TLS.
  const a = await startNode({ bootstrapper: viaRelay, bootstrapperIdentity: idB.id, maxDialFailures: 100 }, { identity: idA });
  // 2. A2 trusts on first use: it pins the relay's key, but its work is bound to its own key, and B
  //    checks the work against the key of whoever links to it (the relay's): insufficient work.
  const a2 = await startNode({ bootstrapper: { host: '127.0.0.1', port: relay2.port }, maxDialFailures: 100 }, { identity: idA2 });
  try {
    await waitFor(() => a.node.stats().handshakesFailed['identity-mismatch']! >= 1, { what: 'A refused the relay' });
    assert.ok(warned(a, 'identity-mismatch').length >= 1, 'one warning line names the reason');
    await waitFor(() => b.node.stats().handshakesFailed['insufficient-work']! >= 1, { what: 'B refused the relayed work' });
    assert.equal(a.node.neighbours(), []);
    assert.equal(a2.node.neighbours(), []);
    assert.equal(b.node.neighbours(), []);
  } finally {
    await stopAll([a, a2, b]);
    await relay.server.close();
    await relay2.server.close();
  }
});

test('one link per identity: a second node with the same key under another address is refused as a duplicate', async () => {
  const [idB, shared] = await Promise.all([makeIdentity('ed25519'), makeIdentity('ed25519')]);
  const b = await startNode({}, { identity: idB });
  const x1 = await startNode({ bootstrapper: boot(b) }, { identity: shared });
  try {
    await waitFor(() => b.node.neighbours().length === 1, { what: 'first link' });
    const x2 = await startNode({ bootstrapper: boot(b), maxDialFailures: 100 }, { identity: shared });
    try {
      await waitFor(() => b.node.stats().handshakesFailed['duplicate-link']! >= 1, { what: 'duplicate refused' });
      assert.equal(b.node.neighbours(), [x1.address]);
    } finally {
      await x2.node.stop();
    }
  } finally {
    await stopAll([b, x1]);
  }
});

test('authenticated links carry identities in PEER RESPONSE and PUSH (515/516), and dialers pin them', async () => {
  const ids = await Promise.all([makeIdentity('ed25519'), makeIdentity('ed25519'), makeIdentity('ed25519')]);
  const b = await startNode({}, { identity: ids[0] });
  const n1 = await startNode({ bootstrapper: boot(b) }, { identity: ids[1] });
  try {
    await waitFor(() => b.node.neighbours().length === 1, { what: 'n1 linked' });
    const n2 = await startNode({ bootstrapper: boot(b) }, { identity: ids[2] });
    try {
      await waitFor(() => n2.node.neighbours().length === 2 && n1.node.neighbours().length === 2, { what: 'triangle' });
      const sent = (t: TestNode, name: string) => t.node.stats().messagesSent[name] ?? 0;
      assert.ok(sent(b, 'AUTH PEER RESPONSE') >= 2, 'the bootstrapper answered with 515');
      assert.ok(sent(b, 'AUTH PUSH') >= 1, 'and pushed the newcomer with 516');
      assert.is(sent(b, 'PEER RESPONSE') + sent(b, 'PUSH'), 0, 'no plaintext variants on authenticated links');
      assert.ok(n2.node.stats().identityPins >= 2, 'n2 pinned the bootstrapper and n1');
    } finally {
      await n2.node.stop();
    }
  } finally {
    await stopAll([b, n1]);
  }
});

test('mixed mode: a keyed node with allowPlaintext links plaintext and keyed peers, items cross between them', async () => {
  const [idK, idK2] = await Promise.all([makeIdentity('ed25519'), makeIdentity('rsa')]);
  const k = await startNode({ allowPlaintext: true }, { identity: idK });
  const p = await startNode({ bootstrapper: boot(k) });
  const k2 = await startNode({ bootstrapper: boot(k) }, { identity: idK2 });
  try {
    await waitFor(() => k.node.neighbours().length === 2, { what: 'k has both' });
    const details = new Map(k.node.neighbourDetails().map((n) => [formatPeerAddress(n.address), n.identity]));
    assert.is(details.get(formatPeerAddress(p.address)), undefined, 'the plaintext peer has no identity');
    assert.is(details.get(formatPeerAddress(k2.address)), idK2.hex);
    const id = p.node.originate({ ttl: 0, dataType: 1, data: new Uint8Array([1]) });
    await waitFor(() => k2.node.knowledge().some((i) => i.messageId === id), { what: 'plaintext item reached k2' });
    // k2 (no allowPlaintext) never links to p directly.
    assert.not.ok(k2.node.neighbours().some((a) => formatPeerAddress(a) === formatPeerAddress(p.address)));
  } finally {
    await stopAll([k, p, k2]);
  }
});

test('mixed mode: a keyed node dials a plaintext-only bootstrapper by falling back after TLS fails', async () => {
  const p = await startNode({ handshakeTimeoutMs: 300 });
  const k = await startNode({ bootstrapper: boot(p), allowPlaintext: true, handshakeTimeoutMs: 300 }, { identity: await makeIdentity('ed25519') });
  try {
    await waitFor(() => k.node.neighbours().length === 1, { what: 'k linked to p in plaintext' });
    assert.is(k.node.neighbourDetails()[0]!.identity, undefined);
  } finally {
    await stopAll([k, p]);
  }
});

test.run();
