/**
 * `p2p-link`: a byte stream from an established neighbour of a real P2P node.
 * For each input the harness completes a correct handshake (a new peer address
 * each time; offering lazy push when bit 4 of the first byte is set), then feeds the stream in fuzzer-chosen chunks: PEER
 * NOTIFICATIONs to validate and forward, PINGs, PUSHes, PEER REQUESTs and
 * RESPONSEs (whose addresses the node dials: those dials are refused in
 * memory), and garbage. Everything the node writes to either neighbour must be
 * well-formed; after the peer hangs up the node must be back at rest.
 */
import { HelloFlag, MessageType } from '@gossip5/protocol';
import { seededRandomBytes } from '@gossip5/testkit';
import { check, type FuzzTarget } from '../target.js';
import { parseWritten } from '../harness/frames.js';
import { MemorySocket } from '../harness/memory-socket.js';
import { checkResting, handshake, startP2PHarness, type P2PHarness } from '../harness/p2p-node.js';
import { splitInput } from '../harness/split.js';
import { wireDictionary } from './dictionary.js';

export function p2pLinkTarget(): FuzzTarget {
  let h: P2PHarness;
  let inputs = 0;
  return {
    name: 'p2p-link',
    corpus: 'p2p-link',
    maxLen: 4096,
    dictionary: wireDictionary(),
    async setup() {
      h = await startP2PHarness(seededRandomBytes(15));
    },
    async run(data) {
      const n = inputs++;
      const port = 1_024 + (n % 60_000);
      const sock = new MemorySocket(port, '127.0.0.3');
      h.accept(sock);
      const flags = data.length > 0 && (data[0]! & 0x10) !== 0 ? HelloFlag.LazyPush : 0;
      const answer = await handshake(sock, { family: 4, host: '127.0.0.3', port }, flags);
      check(answer.some((m) => m.type === MessageType.PeerResponse), 'the handshake did not establish the link');
      const { chunks } = splitInput(data);
      for (const c of chunks) {
        if (sock.destroyed) break;
        sock.feed(c);
      }
      parseWritten(await sock.written(), 'the node (to the fuzzed neighbour)');
      sock.hangUp();
      await checkResting(h);
    },
    async teardown() {
      await h.stop();
    },
  };
}
