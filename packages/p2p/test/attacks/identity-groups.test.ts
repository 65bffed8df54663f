/**
 * Attack table rows 1 and 5 (issue 11): identity is the connection's IP, and each network group
 * (IPv4 /24) holds a bounded number of links and handshakes in progress.
 */
import { formatPeerAddress, makePeerAddress, MessageType } from '@gossip5/protocol';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { from, honest, target, until } from './helpers.js';

test('row 1: a HELLO claiming another IP than the connection’s is refused (address-not-source)', async () => {
  const t = await target();
  try {
    const liar = await from(t.address, '127.0.66.1', 0, makePeerAddress('10.9.9.9', 6001));
    await liar.hello().catch(() => undefined);
    await liar.closedByRemote();
    assert.equal(liar.messages(MessageType.VerificationRequest), [], 'no work handed out');
    assert.is(t.node.stats().handshakesFailed['address-not-source'], 1);
    assert.is(t.node.stats().drops['address-not-source'], 1);
    // The same claim from the right IP is fine.
    const ok = await from(t.address, '127.0.66.1', 6001);
    await ok.handshake();
    assert.equal(t.node.neighbours().map(formatPeerAddress), ['127.0.66.1:6001']);
    ok.close();
  } finally {
    await t.node.stop();
  }
});

test('row 1: claiming an honest peer’s address from elsewhere neither takes its slot nor locks it out', async () => {
  const t = await target();
  try {
    const real = makePeerAddress('127.0.0.1', 40100);
    const impostor = await from(t.address, '127.0.66.2', 0, real);
    await impostor.hello().catch(() => undefined);
    await impostor.closedByRemote();
    const h = await honest(t.address, 40100);
    await h.handshake();
    assert.equal(t.node.neighbours(), [real]);
    assert.is(t.node.stats().handshakesFailed['duplicate-link'], undefined);
    h.close();
  } finally {
    await t.node.stop();
  }
});

test('row 1: with verifyPeerAddress off (NAT) a claimed address is believed', async () => {
  const t = await target({ verifyPeerAddress: false });
  try {
    const natted = await from(t.address, '127.0.66.3', 0, makePeerAddress('10.9.9.9', 6001));
    await natted.handshake();
    assert.equal(t.node.neighbours().map(formatPeerAddress), ['10.9.9.9:6001']);
    natted.close();
  } finally {
    await t.node.stop();
  }
});

test('row 1: one /24 gets at most maxLinksPerGroup links; another group and exempt peers still get in', async () => {
  const t = await target({ degree: 8, maxLinksPerGroup: 2 });
  try {
    const a = await from(t.address, '127.0.66.1', 7001);
    const b = await from(t.address, '127.0.66.2', 7002);
    await a.handshake();
    await b.handshake();
    const c = await from(t.address, '127.0.66.3', 7003);
    await c.hello().catch(() => undefined);
    await c.closedByRemote();
    assert.is(t.node.stats().handshakesFailed['group-full'], 1);
    assert.is(t.node.stats().drops['group-links-full'], 1);
    const d = await from(t.address, '127.0.67.1', 7004);
    await d.handshake();
    const e = await honest(t.address, 40101);
    const f = await honest(t.address, 40102);
    const g = await honest(t.address, 40103);
    await Promise.all([e.handshake(), f.handshake(), g.handshake()]);
    assert.is(t.node.neighbours().length, 6);
    for (const p of [a, b, d, e, f, g]) p.close();
  } finally {
    await t.node.stop();
  }
});

test('row 1: a degree-3 bootstrapper keeps its honest links against three joins from one /24', async () => {
  const t = await target({ degree: 3 });
  try {
    const honestPeers = [];
    for (const port of [40110, 40111, 40112]) {
      const h = await honest(t.address, port);
      await h.handshake();
      honestPeers.push(h);
      t.clock.advance(1_000); // they joined one after another
    }
    for (const [i, ip] of ['127.0.66.1', '127.0.66.2', '127.0.66.3'].entries()) {
      const x = await from(t.address, ip, 7010 + i);
      await x.handshake().catch(() => undefined);
      t.clock.advance(10);
    }
    const hosts = t.node.neighbours().map((p) => p.host);
    const attackers = hosts.filter((h) => h.startsWith('127.0.66.')).length;
    assert.ok(attackers <= 2, `${attackers} attacker links`);
    assert.ok(hosts.length - attackers >= 2, `only ${hosts.length - attackers} honest links left: ${hosts.join(' ')}`);
    assert.ok(t.node.neighbours().some((p) => p.port === 40110), 'the longest-lived link is protected');
    for (const h of honestPeers) h.close();
  } finally {
    await t.node.stop();
  }
});

test('row 5: silent sockets from one /24 hold at most maxHandshakesPerGroup slots; others still join', async () => {
  const t = await target({ maxHandshakesPerGroup: 4 });
  try {
    const silent = [];
    for (let i = 1; i <= 4; i++) silent.push(await from(t.address, `127.0.66.${i}`, 0));
    await until('four handshakes pending', () => t.node.stats().pendingHandshakes === 4);
    const fifth = await from(t.address, '127.0.66.5', 0);
    await fifth.closedByRemote();
    assert.is(t.node.stats().drops['group-handshakes-full'], 1);
    const joiner = await honest(t.address, 40120);
    await joiner.handshake();
    const other = await from(t.address, '127.0.67.9', 7020);
    await other.handshake();
    assert.is(t.node.neighbours().length, 2);
    // The silent ones are timed out on the injected clock.
    t.clock.advance(5_000);
    for (const s of silent) await s.closedByRemote();
    assert.is(t.node.stats().handshakesFailed['handshake-timeout'], 4);
    joiner.close();
    other.close();
  } finally {
    await t.node.stop();
  }
});

test.run();
