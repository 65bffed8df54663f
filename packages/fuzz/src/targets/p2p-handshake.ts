/**
 * `p2p-handshake`: a byte stream from a peer that connected to a real P2P
 * node, from its first byte (HELLO, VERIFICATION RESPONSE, and whatever
 * follows if it gets through), in fuzzer-chosen chunks. The node's random
 * source gives zeros, so its nonce is predictable and the seeds (difficulty 0)
 * can complete the handshake. Everything the node writes must be well-formed;
 * after the peer hangs up the node must be back at rest (checkResting).
 */
import type { FuzzTarget } from '../target.js';
import { parseWritten } from '../harness/frames.js';
import { MemorySocket } from '../harness/memory-socket.js';
import { checkResting, startP2PHarness, type P2PHarness } from '../harness/p2p-node.js';
import { splitInput } from '../harness/split.js';
import { wireDictionary } from './dictionary.js';

export function p2pHandshakeTarget(): FuzzTarget {
  let h: P2PHarness;
  let inputs = 0;
  return {
    name: 'p2p-handshake',
    corpus: 'p2p-handshake',
    maxLen: 4096,
    dictionary: wireDictionary(),
    async setup() {
      h = await startP2PHarness((n) => new Uint8Array(n));
    },
    async run(data) {
      // From the host the seeds' HELLO claims (127.0.0.9), so a seed can pass the source-address check.
      const sock = new MemorySocket(20_000 + (inputs++ % 40_000), '127.0.0.9');
      h.accept(sock);
      const { chunks } = splitInput(data);
      for (const c of chunks) {
        if (sock.destroyed) break;
        sock.feed(c);
      }
      parseWritten(await sock.written(), 'the node (to the fuzzed peer)');
      sock.hangUp();
      await checkResting(h);
    },
    async teardown() {
      await h.stop();
    },
  };
}
