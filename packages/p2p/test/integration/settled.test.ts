/**
 * HELLO flag bit 3, the settled dial: a dialer that already holds more than half of `degree` links
 * says so, and the listener does not PUSH it to its neighbours (PUSH is for peers that are joining).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HelloFlag, makePeerAddress, MessageType } from '@gossip5/protocol';
import { FakePeer, FakePeerServer, waitFor } from '@gossip5/testkit';
import { startNode } from '../helpers.js';

test('as listener: a settled dialer is not PUSHed to the neighbours, a joining one (or one that predates the bit) is', async () => {
  const t = await startNode({ degree: 4 });
  const at = (port: number, flags = 0) => FakePeer.connect(t.address, { address: makePeerAddress('127.0.0.1', port), flags });
  const fakes: FakePeer[] = [];
  try {
    const a = await at(40101);
    fakes.push(a);
    await a.handshake();
    const b = await at(40102, HelloFlag.Settled);
    fakes.push(b);
    const requestB = await b.hello();
    assert.is((requestB.flags ?? 0) & HelloFlag.Settled, HelloFlag.Settled, 'the listener answers the bit: it understood');
    b.respond(requestB);
    await b.next(MessageType.PeerResponse);
    const c = await at(40103);
    fakes.push(c);
    const requestC = await c.hello();
    assert.is((requestC.flags ?? 0) & HelloFlag.Settled, 0, 'not set by the dialer, not answered');
    c.respond(requestC);
    await c.next(MessageType.PeerResponse);
    // The node PUSHes a newcomer as it establishes it, in order on a's connection: b's PUSH would come first.
    const push = await a.next(MessageType.Push);
    assert.equal(push.address, c.address, 'the first PUSH a hears is for c, the joining one');
    assert.equal(a.messages(MessageType.Push).map((p) => p.address.port), [40103], 'none for b');
  } finally {
    for (const f of fakes) f.close();
    await t.node.stop();
  }
});

test('as dialer: HELLO carries the bit only once the view holds more than half of degree links', async () => {
  const boot = await FakePeerServer.start();
  const others = await Promise.all([0, 1, 2].map(() => FakePeerServer.start()));
  const t = await startNode({ degree: 4, bootstrapper: boot.address });
  try {
    const first = await (await boot.accept()).acceptHandshake({ peers: others.map((s) => s.address) });
    assert.is((first.flags ?? 0) & HelloFlag.Settled, 0, 'joining: no bit');
    const bits: boolean[] = [];
    const accepted = () => others.flatMap((s) => s.peers);
    const served = new Set<FakePeer>();
    const serve = async () => {
      for (const p of accepted()) {
        if (served.has(p)) continue;
        served.add(p);
        const hello = await p.acceptHandshake();
        bits.push(((hello.flags ?? 0) & HelloFlag.Settled) !== 0);
      }
    };
    // It dials two of the three it was told (half of degree), then the third from its known list.
    await waitFor(() => accepted().length >= 2, { what: 'two dials' });
    await serve();
    await waitFor(() => t.node.neighbours().length === 3, { what: 'three links' });
    await waitFor(() => accepted().length === 3, { what: 'the refill dial' });
    await serve();
    assert.equal(bits, [false, false, true], 'the two dials made with one link: no bit; the refill with three: the bit');
  } finally {
    await t.node.stop();
    await boot.close();
    for (const s of others) await s.close();
  }
});

test.run();
