/**
 * An AUTH PEER RESPONSE (515) on an established link follows the rule of 505: read once in answer to
 * our PEER REQUEST (its identities remembered then), ignored and counted when unsolicited, and one more
 * unsolicited closes the link. Routed the way the membership routes it (router -> Discovery).
 */
import { makePeerAddress, MessageType, type Message } from '@gossip5/protocol';
import { FakeClock, RecordingLogger } from '@gossip5/testkit';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveConfig } from '../../src/config.js';
import { Counters } from '../../src/counters.js';
import { PeerMessages } from '../../src/identity/auth-messages.js';
import { Discovery } from '../../src/overlay/discovery.js';
import { KnownPeers } from '../../src/overlay/known-peers.js';
import { routeEstablished, type Routes } from '../../src/overlay/router.js';
import { View } from '../../src/overlay/view.js';
import { CloseReason } from '../../src/transport/close-reason.js';
import type { Link } from '../../src/transport/link.js';
import { TEST_NODE_DEFAULTS } from '../../src/testing/network.js';
import { seededRandom } from '../../src/testing/seeded-random.js';

function setup() {
  const clock = new FakeClock();
  const random = seededRandom(7);
  const config = resolveConfig({ ...TEST_NODE_DEFAULTS, maintenanceIntervalMs: 60_000 });
  const counters = new Counters(new RecordingLogger() as never, clock, 10_000);
  const known = new KnownPeers({ clock, random, limit: 100, perSource: 64, retryMs: 1_000, maxFailures: 3 });
  const view = new View<Link>(8, random);
  const dialled: string[] = [];
  const discovery = new Discovery({
    config,
    clock,
    random,
    counters,
    view,
    known,
    messages: new PeerMessages(() => undefined),
    links: {
      selfKey: '127.0.0.1:40000',
      canDial: () => true,
      room: () => 4,
      connect: (a: { host: string; port: number }) => {
        dialled.push(`${a.host}:${a.port}`);
        return true;
      },
    } as never,
  });
  const hinted: number[] = [];
  const routes: Routes = {
    notification: () => {},
    ping: () => {},
    peerRequest: () => {},
    peerResponse: (l, peers) => discovery.onPeerResponse(l, peers),
    push: () => {},
    lazyPush: () => {},
    authPeerResponse: (l, msg) =>
      discovery.onPeerResponse(
        l,
        msg.peers.map((p) => p.address),
        () => hinted.push(msg.peers.length),
      ),
    authPush: () => {},
  };
  const sent: Message[] = [];
  const link = {
    key: '127.0.0.1:40001',
    group: '127.0.0.1:40001',
    identity: new Uint8Array(32).fill(1),
    closed: undefined as CloseReason | undefined,
    send(m: Message) {
      sent.push(m);
      return true;
    },
    close(reason: CloseReason) {
      this.closed = reason;
    },
  };
  return { discovery, routes, link, counters, known, dialled, hinted, sent };
}

const auth515 = (port: number): Message => ({
  type: MessageType.AuthPeerResponse,
  peers: [{ address: makePeerAddress('127.0.0.1', port), identity: new Uint8Array(32).fill(port % 256) }],
});

test('an unsolicited 515 is ignored and counted, its identities not remembered; the next closes the link', () => {
  const { routes, link, counters, dialled, hinted } = setup();
  routeEstablished(link as unknown as Link, auth515(41001), routes);
  assert.is(counters.drops.counts['peer-response-unsolicited'], 1);
  assert.equal(hinted, [], 'no identity learnt');
  assert.equal(dialled, [], 'nothing dialled');
  assert.is(link.closed, undefined);
  routeEstablished(link as unknown as Link, auth515(41002), routes);
  assert.is(link.closed, CloseReason.UnsolicitedResponse);
  assert.equal(hinted, []);
});

test('a 515 answering our PEER REQUEST is read once (identities remembered), a repeat is unsolicited', () => {
  const { discovery, routes, link, counters, hinted, sent } = setup();
  discovery.request(link as unknown as Link);
  assert.is(sent[0]?.type, MessageType.PeerRequest);
  routeEstablished(link as unknown as Link, auth515(41003), routes);
  assert.equal(hinted, [1]);
  routeEstablished(link as unknown as Link, auth515(41004), routes);
  assert.equal(hinted, [1], 'the repeat taught nothing');
  assert.is(counters.drops.counts['peer-response-unsolicited'], 1);
  assert.is(link.closed, undefined);
});

test.run();
