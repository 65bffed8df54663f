/**
 * The handshake's PEER RESPONSE of a full node (a bootstrapper here) names earlier joiners from its
 * known addresses, not only its view: the view of a bootstrapper holds the latest joiners, and
 * naming only them made every joiner link to the previous ones (a chain-like overlay, see
 * docs/simulation.md). Only addresses a link was established with are named, never one a peer
 * merely told it of.
 */
import { formatPeerAddress, makePeerAddress, MessageType } from '@gossip5/protocol';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { honest, target, until } from '../attacks/helpers.js';

test('a full bootstrapper names joiners it evicted in its handshake PEER RESPONSE, and no PUSHed address', async () => {
  const t = await target({ degree: 2, maintenanceIntervalMs: 600_000, pingIntervalMs: 600_000 });
  try {
    const first = await honest(t.address, 40301);
    await first.handshake();
    const junk = makePeerAddress('127.0.66.1', 20_001);
    first.send({ type: MessageType.Push, ttl: 1, address: junk });
    await until('the PUSH is read', () => t.node.stats().knownPeers >= 2);
    const earlier: string[] = [];
    for (let port = 40302; port <= 40305; port++) {
      const x = await honest(t.address, port);
      await x.handshake();
      earlier.push(formatPeerAddress(makePeerAddress('127.0.0.1', port)));
    }
    const last = await honest(t.address, 40306);
    const response = await last.handshake();
    const named = response.peers.map(formatPeerAddress);
    const view = new Set(t.node.neighbours().map(formatPeerAddress));
    const evicted = named.filter((k) => earlier.includes(k) && !view.has(k));
    // Degree 2: `degree` addresses, one of the view (the first joiner: the newest was just evicted
    // for this one) and one known; every other verified address is an evicted earlier joiner.
    assert.is(named.length, 2, `named ${named.join(' ')}`);
    assert.is(evicted.length, 1, `named ${named.join(' ')}; view ${[...view].join(' ')}`);
    assert.not.ok(named.includes(formatPeerAddress(junk)), 'a PUSHed address is not handed out');
    assert.not.ok(named.includes(formatPeerAddress(makePeerAddress('127.0.0.1', 40306))), 'not the joiner itself');
  } finally {
    await t.node.stop();
  }
});

test.run();
