import { EventEmitter } from 'node:events';
import type { PeerAddress } from '@gossip5/protocol';
import type { Clock } from '../types.js';
import { CloseReason } from './close-reason.js';
import type { Connection, Dial, DialFailure, Listener, Transport } from './types.js';

/** Bytes the receiving side takes while it does not read, before the sender sees them queued (a kernel's buffers). */
export const MEMORY_RECEIVE_BUFFER_BYTES = 256 * 1024;
/** First port handed out for `listen(host, 0)` and for the local end of dials. */
const FIRST_EPHEMERAL_PORT = 40_000;

export interface MemoryNetworkOptions {
  /** Drives every delivery: a fake clock in tests, the simulator's scheduler. */
  clock: Clock;
  /**
   * One-way delay in ms of a chunk from host `from` to host `to`. Default 0 (next timer turn). A
   * function of the pair: a connection asks once per direction and keeps the answer.
   */
  latency?: ((from: string, to: string) => number) | undefined;
  /**
   * Chance 0..1 that a chunk is lost once and retransmitted: it arrives `retransmitMs` late, and
   * everything after it on that connection waits for it (TCP loses no bytes, it delays them).
   */
  loss?: number | undefined;
  /** Uniform in [0, 1); needed when `loss` > 0. */
  random?: (() => number) | undefined;
  /** Default 200 ms (a typical minimum retransmission timeout). */
  retransmitMs?: number | undefined;
  /** Sees every chunk when it is sent (for byte accounting). */
  onChunk?: ((from: string, to: string, chunk: Uint8Array) => void) | undefined;
}

/**
 * Byte streams between in-memory endpoints over simulated time: each host gets a Transport from
 * `endpoint(host)`; connections keep order, have a per-pair one-way delay, slow a sender whose peer
 * does not read (its `writableLength` grows past MEMORY_RECEIVE_BUFFER_BYTES), and close like sockets.
 * `crash(host)` ends a host: with `silent`, its peers notice only by their own timeouts.
 */
export class MemoryNetwork {
  readonly clock: Clock;
  private readonly opts: MemoryNetworkOptions;
  private readonly listeners = new Map<string, MemoryListener>();
  private readonly endpoints = new Map<string, MemoryEndpoint>();

  constructor(opts: MemoryNetworkOptions) {
    this.opts = opts;
    this.clock = opts.clock;
    if ((opts.loss ?? 0) > 0 && !opts.random) throw new Error('MemoryNetwork: loss needs random');
  }

  /** The transport of `host` (dials from it carry it as their remote address). */
  endpoint(host: string): Transport {
    let ep = this.endpoints.get(host);
    if (!ep) {
      ep = new MemoryEndpoint(this, host);
      this.endpoints.set(host, ep);
    }
    return ep;
  }

  /**
   * Crash `host`: its listeners close and its connections end. Peers see the close one delay later,
   * or never with `silent` (a machine that vanished: their writes go nowhere, their dials time out).
   */
  crash(host: string, silent = false): void {
    const ep = this.endpoints.get(host);
    if (!ep) return;
    ep.crashed = silent ? 'silent' : 'closed';
    for (const [key, l] of this.listeners) if (l.host === host) this.listeners.delete(key);
    for (const c of [...ep.connections]) c.crash(silent);
  }

  /** @internal */
  delay(from: string, to: string): number {
    return Math.max(0, this.opts.latency?.(from, to) ?? 0);
  }

  /** @internal extra delay of a chunk (0, or a retransmission). */
  lossDelay(): number {
    const loss = this.opts.loss ?? 0;
    if (loss <= 0 || this.opts.random!() >= loss) return 0;
    return this.opts.retransmitMs ?? 200;
  }

  /** @internal */
  sent(from: string, to: string, chunk: Uint8Array): void {
    this.opts.onChunk?.(from, to, chunk);
  }

  /** @internal */
  bind(l: MemoryListener): void {
    const key = `${l.host}|${l.port}`;
    if (this.listeners.has(key)) {
      const err = new Error(`listen EADDRINUSE: address already in use ${l.host}:${l.port}`) as NodeJS.ErrnoException;
      err.code = 'EADDRINUSE';
      throw err;
    }
    this.listeners.set(key, l);
  }

  /** @internal */
  unbind(l: MemoryListener): void {
    const key = `${l.host}|${l.port}`;
    if (this.listeners.get(key) === l) this.listeners.delete(key);
  }

  /** @internal */
  lookup(host: string, port: number): MemoryListener | undefined {
    const l = this.listeners.get(`${host}|${port}`);
    return l && this.endpoints.get(host)?.crashed === undefined ? l : undefined;
  }

  /** @internal */
  crashedHow(host: string): 'silent' | 'closed' | undefined {
    return this.endpoints.get(host)?.crashed;
  }
}

interface MemoryListener {
  host: string;
  port: number;
  onConnection(c: Connection): void;
}

class MemoryEndpoint implements Transport {
  crashed: 'silent' | 'closed' | undefined;
  readonly connections = new Set<MemoryConnection>();
  private nextPort = FIRST_EPHEMERAL_PORT;

  constructor(
    private readonly net: MemoryNetwork,
    readonly host: string,
  ) {}

  listen(host: string, port: number, onConnection: (c: Connection) => void): Promise<Listener> {
    if (host !== this.host) return Promise.reject(new Error(`listen EADDRNOTAVAIL: ${host} is not ${this.host}`));
    const l: MemoryListener = { host, port: port === 0 ? this.nextPort++ : port, onConnection };
    try {
      this.net.bind(l);
    } catch (err) {
      return Promise.reject(err);
    }
    return Promise.resolve({
      port: l.port,
      close: () => {
        this.net.unbind(l);
        return Promise.resolve();
      },
    });
  }

  dial(address: PeerAddress, timeoutMs: number, clock: Clock): Dial {
    const net = this.net;
    const oneWay = net.delay(this.host, address.host);
    let settled = false;
    let resolve!: (c: Connection) => void;
    let reject!: (f: DialFailure) => void;
    const connection = new Promise<Connection>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const fail = (failure: DialFailure) => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(timer);
      reject(failure);
    };
    const timer = clock.setTimeout(
      () => fail({ reason: CloseReason.DialTimeout, detail: `no connection within ${timeoutMs} ms` }),
      timeoutMs,
    );
    // SYN: the listener accepts one delay later; SYN-ACK: the dialer learns of it one delay after that.
    net.clock.setTimeout(() => {
      if (settled || this.crashed) return;
      const target = net.crashedHow(address.host);
      if (target === 'silent') return; // nobody answers: the dial times out
      const l = net.lookup(address.host, address.port);
      if (!l) {
        net.clock.setTimeout(
          () => fail({ reason: CloseReason.DialFailed, detail: 'ECONNREFUSED' }),
          oneWay,
        );
        return;
      }
      const local = new MemoryConnection(net, this, address.host, address.port);
      const remoteEp = net.endpoint(address.host) as MemoryEndpoint;
      const accepted = new MemoryConnection(net, remoteEp, this.host, this.nextPort++);
      local.peer = accepted;
      accepted.peer = local;
      l.onConnection(accepted);
      net.clock.setTimeout(() => {
        if (settled || this.crashed) {
          local.destroy();
          return;
        }
        settled = true;
        clock.clearTimeout(timer);
        resolve(local);
      }, oneWay);
    }, oneWay);
    return {
      connection,
      cancel: () => fail({ reason: CloseReason.DialFailed, detail: 'cancelled' }),
    };
  }
}

/** One end of an in-memory byte stream. */
class MemoryConnection extends EventEmitter implements Connection {
  peer: MemoryConnection | undefined;
  destroyed = false;
  /** Chunks that arrived while paused. */
  private held: Uint8Array[] = [];
  heldBytes = 0;
  private paused = false;
  private corkedChunks: Uint8Array[] | undefined;
  private corkedBytes = 0;
  /** Arrival time of the last chunk sent: later chunks never overtake it. */
  private lastArrival = 0;
  /** One-way delay toward the peer (asked of the network at the first chunk). */
  private oneWay = -1;
  private flushScheduled = false;

  constructor(
    private readonly net: MemoryNetwork,
    private readonly ep: MemoryEndpoint,
    readonly remoteAddress: string,
    readonly remotePort: number,
  ) {
    super();
    ep.connections.add(this);
  }

  get writableLength(): number {
    const backlog = (this.peer?.heldBytes ?? 0) - MEMORY_RECEIVE_BUFFER_BYTES;
    return this.corkedBytes + (backlog > 0 ? backlog : 0);
  }

  write(chunk: Uint8Array): boolean {
    if (this.destroyed) return false;
    if (this.corkedChunks) {
      this.corkedChunks.push(chunk);
      this.corkedBytes += chunk.length;
      return true;
    }
    this.transmit(chunk);
    return true;
  }

  cork(): void {
    this.corkedChunks ??= [];
  }

  uncork(): void {
    const chunks = this.corkedChunks;
    if (!chunks) return;
    this.corkedChunks = undefined;
    this.corkedBytes = 0;
    if (this.destroyed || chunks.length === 0) return;
    this.transmit(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
  }

  pause(): this {
    this.paused = true;
    return this;
  }

  resume(): this {
    if (!this.paused) return this;
    this.paused = false;
    if (this.held.length > 0 && !this.flushScheduled) {
      this.flushScheduled = true;
      this.net.clock.setTimeout(() => this.flushHeld(), 0);
    }
    return this;
  }

  destroy(): this {
    if (this.destroyed) return this;
    this.end();
    const peer = this.peer;
    if (peer && this.net.crashedHow(this.ep.host) !== 'silent') {
      this.net.clock.setTimeout(() => peer.end(), this.arrivalDelay());
    }
    return this;
  }

  destroySoon(): void {
    this.uncork();
    this.destroy();
  }

  /** @internal the host crashed. */
  crash(silent: boolean): void {
    if (this.destroyed) return;
    if (silent) this.end();
    else this.destroy();
  }

  /** Close this end: no more data in or out, `close` on the next timer turn. */
  private end(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.corkedChunks = undefined;
    this.corkedBytes = 0;
    this.held = [];
    this.heldBytes = 0;
    this.ep.connections.delete(this);
    this.net.clock.setTimeout(() => this.emit('close'), 0);
  }

  private arrivalDelay(): number {
    const now = this.net.clock.now();
    if (this.oneWay < 0) this.oneWay = this.net.delay(this.ep.host, this.remoteAddress);
    const at = Math.max(now + this.oneWay + this.net.lossDelay(), this.lastArrival);
    this.lastArrival = at;
    return at - now;
  }

  private transmit(chunk: Uint8Array): void {
    const peer = this.peer;
    if (!peer) return;
    this.net.sent(this.ep.host, this.remoteAddress, chunk);
    this.net.clock.setTimeout(() => peer.arrive(chunk), this.arrivalDelay());
  }

  private arrive(chunk: Uint8Array): void {
    if (this.destroyed) return;
    if (this.paused || this.held.length > 0) {
      this.held.push(chunk);
      this.heldBytes += chunk.length;
      return;
    }
    this.emit('data', chunk);
  }

  private flushHeld(): void {
    this.flushScheduled = false;
    while (!this.paused && !this.destroyed && this.held.length > 0) {
      const chunk = this.held.shift()!;
      this.heldBytes -= chunk.length;
      this.emit('data', chunk);
    }
  }
}
