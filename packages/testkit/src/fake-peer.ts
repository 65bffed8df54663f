import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import {
  FrameDecoder,
  MessageType,
  NONCE_SIZE,
  PROTOCOL_VERSION,
  SOLUTION_SIZE,
  decodeMessage,
  encodeMessage,
  makePeerAddress,
  peerAddressEquals,
  solveProofOfWork,
  verifyProofOfWork,
  type Hello,
  type Message,
  type MessageOf,
  type MessageType as MessageTypeNumber,
  type PeerAddress,
  type PeerResponse,
  type VerificationRequest,
} from '@gossip5/protocol';

/** How a FakePeer deliberately breaks its VERIFICATION RESPONSE. */
export type HandshakeCorruption = 'nonce' | 'address' | 'work';

export interface FakePeerOptions {
  /**
   * The listening address this peer claims in HELLO and VERIFICATION RESPONSE.
   * Default: the fake's own listening address when accepted by a FakePeerServer,
   * else 127.0.0.1 with the socket's local port.
   */
  address?: PeerAddress;
  /** How long `next` and `closed` wait before failing the test (default 5 s). */
  waitTimeoutMs?: number;
  /** HELLO flag bits this peer offers, in its HELLO or VERIFICATION REQUEST (default 0: a plain peer). */
  flags?: number;
  /**
   * `connect` only: the local IP to dial from (any of 127.0.0.0/8 works on Linux loopback), so a
   * test can play peers from other network groups, e.g. `127.0.66.1` is group 127.0.66.0/24.
   */
  localAddress?: string;
}

interface Waiter {
  type: number | undefined;
  resolve(msg: Message): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * A scripted Gossip-5 peer over real TCP, for testing a real node: it dials
 * or is dialled, runs either side of the HELLO handshake (or breaks it on
 * purpose), sends any frame, raw bytes included, and records everything it
 * receives. It can stop reading, to play a neighbour that never drains its socket.
 */
export class FakePeer {
  /** Every message received, in order. */
  readonly received: Message[] = [];
  /** Frames that did not decode, with the error. */
  readonly malformed: Array<{ frame: Uint8Array; error: Error }> = [];
  /** The address this peer claims. */
  address: PeerAddress;
  /** `ip:port` of the other end. */
  readonly remote: string;
  /** `ip:port` of this end (what the node sees as the remote address). */
  readonly local: string;
  private readonly inbox: Message[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly decoder = new FrameDecoder();
  private readonly closeWaiters: Array<() => void> = [];
  private isClosed = false;
  private readonly waitTimeoutMs: number;
  /** HELLO flag bits offered in the handshake. */
  readonly flags: number;

  constructor(
    readonly socket: Socket,
    options: FakePeerOptions = {},
  ) {
    this.waitTimeoutMs = options.waitTimeoutMs ?? 5_000;
    this.flags = options.flags ?? 0;
    this.address = options.address ?? makePeerAddress(socket.localAddress ?? '127.0.0.1', socket.localPort ?? 1);
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.local = `${socket.localAddress}:${socket.localPort}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {});
    socket.on('close', () => this.onClose());
  }

  /** Dial a real node. */
  static connect(target: { host: string; port: number }, options: FakePeerOptions = {}): Promise<FakePeer> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: target.host, port: target.port, localAddress: options.localAddress });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new FakePeer(socket, options));
      });
    });
  }

  /** Listen on loopback so a real node can dial this fake. */
  static listen(options: { host?: string } & FakePeerOptions = {}): Promise<FakePeerServer> {
    return FakePeerServer.start(options);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Received messages of one type. */
  messages<T extends MessageTypeNumber>(type: T): Array<MessageOf<T>> {
    return this.received.filter((m): m is MessageOf<T> => m.type === type);
  }

  send(msg: Message): void {
    this.sendRaw(encodeMessage(msg));
  }

  sendRaw(bytes: Uint8Array): void {
    if (!this.isClosed) this.socket.write(bytes);
  }

  /** Stop reading from the socket (the node's writes pile up in its send queue). */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /**
   * The next not-yet-taken message (of `type`, when given). Messages of other
   * types stay available to later calls. Rejects if the connection closes first.
   */
  next<T extends MessageTypeNumber>(type?: T, timeoutMs = this.waitTimeoutMs): Promise<MessageOf<T>> {
    const i = this.inbox.findIndex((m) => type === undefined || m.type === type);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0] as MessageOf<T>);
    if (this.isClosed) return Promise.reject(new Error(`connection closed while waiting for ${what(type)}`));
    return new Promise<MessageOf<T>>((resolve, reject) => {
      const waiter: Waiter = {
        type,
        resolve: resolve as (msg: Message) => void,
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what(type)}`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Resolves once the connection is closed (by either side). */
  closedByRemote(timeoutMs = this.waitTimeoutMs): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`connection still open after ${timeoutMs} ms`)), timeoutMs);
      this.closeWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Dialer side, step 1: send HELLO (claiming `address`) and await the VERIFICATION REQUEST. */
  async hello(address: PeerAddress = this.address): Promise<VerificationRequest> {
    this.send({ type: MessageType.Hello, version: PROTOCOL_VERSION, flags: this.flags, address });
    return this.next(MessageType.VerificationRequest);
  }

  /**
   * Dialer side, step 2: answer a VERIFICATION REQUEST, correctly or broken in
   * one way: another nonce, another address than HELLO's, or a solution that
   * does not meet the difficulty.
   */
  respond(request: VerificationRequest, corrupt?: HandshakeCorruption): void {
    const nonce = corrupt === 'nonce' ? flip(request.nonce) : request.nonce;
    const otherPort = this.address.port === 1 ? 2 : this.address.port - 1;
    const address = corrupt === 'address' ? { ...this.address, port: otherPort } : this.address;
    const solution =
      corrupt === 'work'
        ? failingSolution(request.nonce, this.address, request.difficulty)
        : solveProofOfWork(request.nonce, this.address, request.difficulty)!;
    this.send({ type: MessageType.VerificationResponse, nonce, solution, address });
  }

  /** Dialer side, whole handshake: HELLO, solve, answer; resolves with the node's PEER RESPONSE. */
  async handshake(): Promise<PeerResponse> {
    const request = await this.hello();
    this.respond(request);
    return this.next(MessageType.PeerResponse);
  }

  /**
   * Listener side (the node dialled this fake): await HELLO, send a VERIFICATION
   * REQUEST, check the answer, and send PEER RESPONSE with `peers`. Resolves with
   * the HELLO; rejects (and closes) if the node's answer is wrong.
   */
  async acceptHandshake(options: { difficulty?: number; peers?: PeerAddress[] } = {}): Promise<Hello> {
    const { difficulty = 4, peers = [] } = options;
    const hello = await this.next(MessageType.Hello);
    const nonce = new Uint8Array(randomBytes(NONCE_SIZE));
    this.send({ type: MessageType.VerificationRequest, difficulty, flags: this.flags, nonce });
    const response = await this.next(MessageType.VerificationResponse);
    const ok =
      equal(response.nonce, nonce) &&
      peerAddressEquals(response.address, hello.address) &&
      verifyProofOfWork(nonce, hello.address, response.solution, difficulty);
    if (!ok) {
      this.close();
      throw new Error('the node sent a wrong VERIFICATION RESPONSE');
    }
    this.send({ type: MessageType.PeerResponse, peers });
    return hello;
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Uint8Array): void {
    let frames: Uint8Array[];
    try {
      frames = this.decoder.push(chunk);
    } catch (error) {
      this.malformed.push({ frame: chunk, error: error as Error });
      this.close();
      return;
    }
    for (const frame of frames) {
      let msg: Message;
      try {
        msg = decodeMessage(frame);
      } catch (error) {
        this.malformed.push({ frame: frame.slice(), error: error as Error });
        continue;
      }
      this.received.push(msg);
      const w = this.waiters.findIndex((x) => x.type === undefined || x.type === msg.type);
      if (w >= 0) {
        const waiter = this.waiters.splice(w, 1)[0]!;
        clearTimeout(waiter.timer);
        waiter.resolve(msg);
      } else {
        this.inbox.push(msg);
      }
    }
  }

  private onClose(): void {
    this.isClosed = true;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new Error(`connection closed while waiting for ${what(w.type)}`));
    }
    for (const fn of this.closeWaiters.splice(0)) fn();
  }
}

/** A listening fake: a real node dials it, and each connection becomes a FakePeer. */
export class FakePeerServer {
  private readonly queue: FakePeer[] = [];
  private readonly waiters: Array<(peer: FakePeer) => void> = [];
  /** Every peer accepted so far. */
  readonly peers: FakePeer[] = [];

  private constructor(
    private readonly server: Server,
    /** The address nodes should dial (and the one accepted fakes claim by default). */
    readonly address: PeerAddress,
    private readonly options: FakePeerOptions,
  ) {
    server.on('connection', (socket) => {
      const peer = new FakePeer(socket, { address: this.address, ...this.options });
      this.peers.push(peer);
      const waiter = this.waiters.shift();
      if (waiter) waiter(peer);
      else this.queue.push(peer);
    });
  }

  static start(options: { host?: string } & FakePeerOptions = {}): Promise<FakePeerServer> {
    const { host = '127.0.0.1', ...rest } = options;
    return new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, host, () => {
        const addr = server.address();
        const port = typeof addr === 'object' && addr ? addr.port : 0;
        resolve(new FakePeerServer(server, makePeerAddress(host, port), rest));
      });
    });
  }

  /** The next connection a node made to this fake. */
  accept(timeoutMs = 5_000): Promise<FakePeer> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(onPeer), 1);
        reject(new Error(`no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      const onPeer = (peer: FakePeer) => {
        clearTimeout(timer);
        resolve(peer);
      };
      this.waiters.push(onPeer);
    });
  }

  /** Close the listener and every accepted connection. */
  close(): Promise<void> {
    for (const p of this.peers) p.close();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function what(type: number | undefined): string {
  return type === undefined ? 'a message' : `message type ${type}`;
}

function flip(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  out[0] = out[0]! ^ 0xff;
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** A solution whose hash has fewer than `difficulty` leading zero bits (difficulty must be >= 1). */
function failingSolution(nonce: Uint8Array, address: PeerAddress, difficulty: number): Uint8Array {
  const solution = new Uint8Array(SOLUTION_SIZE);
  for (let i = 0; i < 1 << 16; i++) {
    solution[6] = i >>> 8;
    solution[7] = i & 0xff;
    if (!verifyProofOfWork(nonce, address, solution, difficulty)) return solution;
  }
  throw new Error(`every candidate meets difficulty ${difficulty}`);
}
