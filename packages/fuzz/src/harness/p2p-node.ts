/**
 * One real P2P node for the p2p targets, on a fake clock, reused across inputs.
 * It runs over its public transport seam with a fuzz transport: the harness
 * hands it in-memory sockets as accepted connections, and every dial it makes
 * (to addresses a fuzzed peer told it about) is refused on the next tick, so
 * nothing leaves this process. A well-behaved neighbour is linked at setup
 * and answers for the node's health after each input.
 */
import { createP2PNode, CloseReason, type Connection, type Dial, type P2PNode, type RandomBytes, type Transport } from '@gossip5/p2p';
import { acceptAll, inlineSolver, TEST_NODE_DEFAULTS } from '@gossip5/p2p/testing';
import {
  encodeMessage,
  MessageType,
  SOLUTION_SIZE,
  solveProofOfWork,
  type Message,
  type PeerAddress,
} from '@gossip5/protocol';
import { FakeClock } from '@gossip5/testkit';
import { check } from '../target.js';
import { CountingLogger } from './counting-logger.js';
import { parseWritten, tick } from './frames.js';
import { MemorySocket } from './memory-socket.js';

/** Listens nowhere: connections come from the harness; dials are refused. */
class FuzzTransport implements Transport {
  onConnection: ((c: Connection) => void) | undefined;

  async listen(_host: string, port: number, onConnection: (c: Connection) => void) {
    this.onConnection = onConnection;
    return { port: port || 7000, close: async () => {} };
  }

  dial(): Dial {
    const connection = new Promise<Connection>((_resolve, reject) => {
      process.nextTick(() => reject({ reason: CloseReason.DialFailed, detail: 'refused (fuzz harness)' }));
    });
    return { connection, cancel: () => {} };
  }
}

export interface P2PHarness {
  node: P2PNode;
  clock: FakeClock;
  log: CountingLogger;
  accept(socket: MemorySocket): void;
  good: MemorySocket;
  /** Timers armed on the clock when the node rests with its one good neighbour. */
  restingTimers: number;
  stop(): Promise<void>;
}

const MAX_PENDING_PULLS = 256;

export const GOOD_ADDRESS: PeerAddress = { family: 4, host: '127.0.0.2', port: 7001 };

/** Run the dialer's side of the handshake over `sock` claiming `address` with HELLO `flags`; returns the node's answer. */
export async function handshake(sock: MemorySocket, address: PeerAddress, flags = 0): Promise<Message[]> {
  sock.feed(encodeMessage({ type: MessageType.Hello, version: 1, flags, address }));
  const first = parseWritten(await sock.written(), 'the node (handshake)');
  const request = first.find((m) => m.type === MessageType.VerificationRequest);
  check(request && request.type === MessageType.VerificationRequest, 'no VERIFICATION REQUEST after HELLO');
  // Difficulty 0 (the harness node's) takes any solution: skip the solver, whose hashing is instrumented.
  const solution = request.difficulty === 0 ? new Uint8Array(SOLUTION_SIZE) : solveProofOfWork(request.nonce, address, request.difficulty);
  check(solution !== undefined, 'no proof of work found');
  sock.feed(encodeMessage({ type: MessageType.VerificationResponse, nonce: request.nonce, solution, address }));
  return parseWritten(await sock.written(), 'the node (handshake)');
}

export async function startP2PHarness(randomBytes: RandomBytes): Promise<P2PHarness> {
  const transport = new FuzzTransport();
  const clock = new FakeClock();
  const log = new CountingLogger();
  const node = createP2PNode(
    {
      ...TEST_NODE_DEFAULTS,
      degree: 4,
      powDifficulty: 0,
      cacheSize: 32,
      knownPeersLimit: 64,
      seenLimit: 4096,
      maxPendingValidations: 64,
      maxPendingPulls: MAX_PENDING_PULLS,
    },
    { validator: acceptAll, logger: log, clock, randomBytes, powSolver: inlineSolver, transport },
  );
  await node.start();
  const accept = (socket: MemorySocket): void => transport.onConnection!(socket);
  const good = new MemorySocket(40_000, GOOD_ADDRESS.host);
  accept(good);
  const answer = await handshake(good, GOOD_ADDRESS);
  check(answer.some((m) => m.type === MessageType.PeerResponse), 'the good neighbour got no PEER RESPONSE');
  await tick();
  check(node.neighbours().length === 1, 'the good neighbour is not linked');
  good.takeWritten();
  return {
    node,
    clock,
    log,
    accept,
    good,
    restingTimers: clock.pending,
    async stop() {
      await node.stop();
    },
  };
}

let token = 1;

/**
 * After an input (its peer gone): the good neighbour is still linked and answered, and the
 * node is back at rest: one neighbour, no handshake, dial or validation pending, the resting
 * timers only (and one per pending lazy-push pull), nothing logged at error level.
 */
export async function checkResting(h: P2PHarness): Promise<void> {
  await tick();
  await tick();
  const s = h.node.stats();
  check(!h.good.destroyed, 'the good neighbour was disconnected');
  const t = token++ >>> 0;
  h.good.feed(encodeMessage({ type: MessageType.Ping, reply: false, token: t }));
  const out = parseWritten(await h.good.written(), 'the node (to the good neighbour)');
  check(out.some((m) => m.type === MessageType.Ping && m.reply && m.token === t), 'the good neighbour got no PING reply');
  check(s.neighbours === 1, `${s.neighbours} neighbours after the fuzzed peer left`);
  check(s.pendingHandshakes === 0 && s.pendingDials === 0, `handshakes ${s.pendingHandshakes}, dials ${s.pendingDials} left`);
  check(s.pendingValidations === 0, `${s.pendingValidations} validations left pending`);
  // Lazy push keeps a pull timer per announced id it has not received, also after the announcing
  // link closed (the timer then finds no announcer and drops the id): those, and nothing else, may stay.
  check(s.lazyPush.pullsPending <= MAX_PENDING_PULLS, `${s.lazyPush.pullsPending} pulls pending, limit ${MAX_PENDING_PULLS}`);
  // A pull that went out at once (after a neighbour went down) leaves the GRAFT batch's 0 ms flush
  // armed: let timers due now run before counting.
  h.clock.advance(0);
  check(
    h.clock.pending === h.restingTimers + s.lazyPush.pullsPending,
    `${h.clock.pending} timers armed, ${h.restingTimers} at rest + ${s.lazyPush.pullsPending} pending pulls`,
  );
  check(h.log.state.errors === 0, `error logged: ${h.log.state.lastError}`);
}
