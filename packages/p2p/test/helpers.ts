import type { PeerAddress } from '@gossip5/protocol';
import { RecordingLogger } from '@gossip5/testkit';
import { createP2PNode } from '../src/node.js';
import { acceptAll, inlineSolver, TEST_NODE_DEFAULTS } from '../src/testing/network.js';
import type { Clock, P2PComponents, P2PInit, P2PNode } from '../src/types.js';

export interface TestNode {
  node: P2PNode;
  address: PeerAddress;
  log: RecordingLogger;
}

/** One real node on 127.0.0.1:0 with a low difficulty, an inline solver and a recording logger. */
export async function startNode(
  init: Partial<P2PInit> = {},
  components: Partial<P2PComponents> & { clock?: Clock } = {},
): Promise<TestNode> {
  const log = new RecordingLogger();
  const node = createP2PNode(
    { ...TEST_NODE_DEFAULTS, powDifficulty: 8, ...init },
    { validator: acceptAll, logger: log, powSolver: inlineSolver, ...components },
  );
  const address = await node.start();
  return { node, address, log };
}

/** Resolve `fn`'s rejection message, or fail the test if it resolves. */
export async function rejection(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}
