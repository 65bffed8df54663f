import { makePeerAddress, MessageType, type Message } from '@gossip5/protocol';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { routeEstablished, type Routes } from '../../src/overlay/router.js';
import { CloseReason } from '../../src/transport/close-reason.js';
import type { Link } from '../../src/transport/link.js';

interface FakeLink {
  identity: Uint8Array | undefined;
  closed: { reason: CloseReason; detail: string | undefined } | undefined;
  close(reason: CloseReason, detail?: string): void;
}

function fakeLink(authenticated: boolean): FakeLink {
  return {
    identity: authenticated ? new Uint8Array(32).fill(7) : undefined,
    closed: undefined,
    close(reason, detail) {
      this.closed = { reason, detail };
    },
  };
}

function recordingRoutes(): { routes: Routes; calls: string[] } {
  const calls: string[] = [];
  const routes: Routes = {
    notification: () => calls.push('notification'),
    ping: () => calls.push('ping'),
    peerRequest: () => calls.push('peerRequest'),
    peerResponse: () => calls.push('peerResponse'),
    push: () => calls.push('push'),
    lazyPush: () => calls.push('lazyPush'),
    authPeerResponse: () => calls.push('authPeerResponse'),
    authPush: () => calls.push('authPush'),
  };
  return { routes, calls };
}

const address = makePeerAddress('127.0.0.1', 40500);
const identity = new Uint8Array(32).fill(9);
const auth515: Message = { type: MessageType.AuthPeerResponse, peers: [{ address, identity }] };
const auth516: Message = { type: MessageType.AuthPush, ttl: 3, address, identity };

test('515 and 516 on an authenticated link go to their routes, the link stays open', () => {
  const link = fakeLink(true);
  const { routes, calls } = recordingRoutes();
  routeEstablished(link as unknown as Link, auth515, routes);
  routeEstablished(link as unknown as Link, auth516, routes);
  assert.equal(calls, ['authPeerResponse', 'authPush']);
  assert.is(link.closed, undefined);
});

for (const [name, msg] of [
  ['515', auth515],
  ['516', auth516],
] as const) {
  test(`${name} on a plaintext link closes it (unexpected-message) and reaches no route`, () => {
    const link = fakeLink(false);
    const { routes, calls } = recordingRoutes();
    routeEstablished(link as unknown as Link, msg, routes);
    assert.equal(calls, []);
    assert.is(link.closed?.reason, CloseReason.UnexpectedMessage);
    assert.match(link.closed?.detail ?? '', /plaintext/);
  });
}

test('505 and 509 still go to their routes on both kinds of link', () => {
  for (const authenticated of [false, true]) {
    const link = fakeLink(authenticated);
    const { routes, calls } = recordingRoutes();
    routeEstablished(link as unknown as Link, { type: MessageType.PeerResponse, peers: [address] }, routes);
    routeEstablished(link as unknown as Link, { type: MessageType.Push, ttl: 2, address }, routes);
    assert.equal(calls, ['peerResponse', 'push']);
    assert.is(link.closed, undefined);
  }
});

test.run();
