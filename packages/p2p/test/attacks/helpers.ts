import { makePeerAddress, type PeerAddress } from '@gossip5/protocol';
import { FakeClock, FakePeer, seededRandomBytes, waitFor } from '@gossip5/testkit';
import type { P2PComponents, P2PInit } from '../../src/types.js';
import { startNode, type TestNode } from '../helpers.js';

/**
 * A node for the attack suite: fake clock (time moves only when the test says), seeded randomness,
 * no bootstrapper, and only 127.0.0.1 exempt from the group limits, so fakes dialling from other
 * loopback IPs (127.0.66.x is group 127.0.66.0/24) play hostile machines.
 */
export async function target(
  init: Partial<P2PInit> = {},
  seed = 7,
  components: Partial<P2PComponents> = {},
): Promise<TestNode & { clock: FakeClock }> {
  const clock = new FakeClock();
  const t = await startNode(
    { exemptNetworks: ['127.0.0.1/32'], shuffleIntervalMs: 0, ...init },
    { clock, randomBytes: seededRandomBytes(seed), ...components },
  );
  return { ...t, clock };
}

/** A fake dialling `node` from `ip`, claiming `ip:port` (or `claim`). */
export function from(node: PeerAddress, ip: string, port: number, claim?: PeerAddress): Promise<FakePeer> {
  return FakePeer.connect(node, { localAddress: ip, address: claim ?? makePeerAddress(ip, port) });
}

/** An honest-looking fake from 127.0.0.1 (exempt: each its own group). */
export function honest(node: PeerAddress, port: number): Promise<FakePeer> {
  return FakePeer.connect(node, { address: makePeerAddress('127.0.0.1', port) });
}

export async function until(what: string, fn: () => boolean): Promise<void> {
  await waitFor(fn, { what, timeoutMs: 5_000 });
}
