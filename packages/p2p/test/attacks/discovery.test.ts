/**
 * Attack table rows 3 and 4 (issue 11): PUSH floods and unsolicited PEER RESPONSEs.
 */
import { makePeerAddress, MessageType } from '@gossip5/protocol';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { honest, target, until } from './helpers.js';

const junk = (i: number) => makePeerAddress('127.0.66.1', 20_000 + i);

test('row 4: an unsolicited PEER RESPONSE is ignored and counted; the next one closes the link', async () => {
  const t = await target({ degree: 8, maintenanceIntervalMs: 60_000 });
  try {
    const x = await honest(t.address, 40200);
    await x.handshake();
    const before = t.node.stats().knownPeers;
    x.send({ type: MessageType.PeerResponse, peers: Array.from({ length: 8 }, (_, i) => junk(i)) });
    await until('the drop is counted', () => t.node.stats().drops['peer-response-unsolicited'] === 1);
    assert.is(t.node.stats().knownPeers, before, 'nothing learnt');
    assert.is(t.node.stats().pendingDials, 0, 'nothing dialled');
    x.send({ type: MessageType.PeerResponse, peers: [junk(9)] });
    await x.closedByRemote();
    assert.is(t.node.stats().linksDownByReason['unsolicited-response'], 1);
  } finally {
    await t.node.stop();
  }
});

test('row 4: a PEER RESPONSE answering our PEER REQUEST is read, once', async () => {
  const t = await target({ degree: 8, maintenanceIntervalMs: 1_000 });
  try {
    const x = await honest(t.address, 40201);
    await x.handshake();
    t.clock.advance(1_000);
    await x.next(MessageType.PeerRequest);
    x.send({ type: MessageType.PeerResponse, peers: [junk(1), junk(2)] });
    await until('learnt', () => t.node.stats().knownPeers >= 3);
    x.send({ type: MessageType.PeerResponse, peers: [junk(3)] });
    await until('the repeat is ignored', () => t.node.stats().drops['peer-response-unsolicited'] === 1);
    assert.not.ok(x.closed);
    x.close();
  } finally {
    await t.node.stop();
  }
});


test('row 3: a PUSH flood from one neighbour is cut at its rate, dials at its budget, and genuine PUSHes still pass', async () => {
  const t = await target({ degree: 8, pushTtl: 3, pushesPerMinute: 10, pushDialsPerMinute: 2, pushSeenLimit: 4 });
  try {
    const flooder = await honest(t.address, 40220);
    const genuine = await honest(t.address, 40221);
    const watcher = await honest(t.address, 40222);
    await flooder.handshake();
    await genuine.handshake();
    await watcher.handshake();
    for (let i = 0; i < 200; i++) flooder.send({ type: MessageType.Push, ttl: 255, address: junk(i) });
    await until('the flood is cut', () => t.node.stats().drops['push-rate-limited'] === 190);
    assert.ok((t.node.stats().drops['push-dial-limited'] ?? 0) >= 8, 'at most 2 of the 10 read were dialled');
    const real = makePeerAddress('127.0.0.1', 40299);
    genuine.send({ type: MessageType.Push, ttl: 3, address: real });
    await until('the genuine PUSH reaches the watcher', () =>
      watcher.messages(MessageType.Push).some((m) => m.address.port === real.port && m.ttl === 2),
    );
    const fromFlood = watcher.messages(MessageType.Push).filter((m) => m.address.host === '127.0.66.1');
    assert.ok(fromFlood.length <= 10, `${fromFlood.length} flood PUSHes forwarded`);
    assert.ok(fromFlood.every((m) => m.ttl === 2), 'forwarded with min(255, p2p_ttl) - 1');
    assert.ok((t.node.stats().drops['push-seen-evicted'] ?? 0) > 0, 'the full suppression set forgot, not refused');
    for (const f of [flooder, genuine, watcher]) f.close();
  } finally {
    await t.node.stop();
  }
});

test.run();
