import { connect, type Socket } from 'node:net';
import {
  FrameDecoder,
  MessageType,
  decodeMessage,
  encodeMessage,
  type GossipNotification,
  type Message,
} from '@gossip5/protocol';

/**
 * How a FakeModule answers each GOSSIP NOTIFICATION it receives:
 * `'valid'` (V=1), `'invalid'` (V=0), `'silent'` (no answer), or a function
 * returning true (V=1), false (V=0) or undefined (no answer).
 */
export type ValidationPolicy = 'valid' | 'invalid' | 'silent' | ((n: GossipNotification) => boolean | undefined);

export interface FakeModuleOptions {
  /** Initial validation policy (default `'valid'`). */
  policy?: ValidationPolicy;
  /** How long `nextNotification` / `waitForNotifications` wait before failing the test (default 10 s). */
  waitTimeoutMs?: number;
}

interface Waiter {
  /** Resolve once `notifications.length >= count`. */
  count: number;
  resolve: () => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * A scripted VoidPhone module: a real TCP client of the Gossip-5 API port.
 * It subscribes, announces, records every NOTIFICATION and answers it by
 * `policy`. It can also send raw bytes, for malformed-input tests, and stop
 * reading, to play a module that never drains its socket.
 *
 * NOTIFY has no acknowledgement in the protocol: a test that needs to know the
 * server processed `subscribe()` waits on the server side (for example
 * `waitFor(() => server.hasSubscribers(type))`).
 */
export class FakeModule {
  /** How NOTIFICATIONs are answered; may be changed at any time. */
  policy: ValidationPolicy;
  /** Every NOTIFICATION received, in order (data copied). */
  readonly notifications: GossipNotification[] = [];
  /** Every VALIDATION this module sent, in order. */
  readonly validationsSent: Array<{ messageId: number; valid: boolean }> = [];
  /** Frames of any other type the server sent (it never should). */
  readonly unexpected: Message[] = [];
  /** Errors seen on the socket or while decoding what the server sent. */
  readonly errors: Error[] = [];
  /** Resolves when the connection is closed, by either side, for any reason. */
  readonly closed: Promise<void>;
  /** Local `ip:port` of this module's connection, as the server sees it as remote. */
  readonly localAddress: string;

  private readonly decoder = new FrameDecoder();
  private readonly waiters = new Set<Waiter>();
  private readonly waitTimeoutMs: number;
  private cursor = 0;
  private isClosed = false;
  private markClosed!: () => void;

  private constructor(
    private readonly socket: Socket,
    options: FakeModuleOptions,
  ) {
    this.policy = options.policy ?? 'valid';
    this.waitTimeoutMs = options.waitTimeoutMs ?? 10_000;
    this.closed = new Promise((resolve) => {
      this.markClosed = resolve;
    });
    const host = socket.localAddress ?? '?';
    this.localAddress = `${host.includes(':') ? `[${host}]` : host}:${socket.localPort ?? 0}`;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.errors.push(err));
    socket.on('close', () => this.onClose());
  }

  /** Connect to an API server. */
  static connect(port: number, host = '127.0.0.1', options: FakeModuleOptions = {}): Promise<FakeModule> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      const onError = (err: Error): void => reject(err);
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        socket.setNoDelay(true);
        resolve(new FakeModule(socket, options));
      });
    });
  }

  /** True once the connection is closed. */
  get isOpen(): boolean {
    return !this.isClosed;
  }

  /** Send GOSSIP NOTIFY for `dataType`. */
  subscribe(dataType: number): void {
    this.sendRaw(encodeMessage({ type: MessageType.GossipNotify, dataType }));
  }

  /** Send GOSSIP ANNOUNCE. */
  announce(item: { ttl: number; dataType: number; data: Uint8Array }): void {
    this.sendRaw(encodeMessage({ type: MessageType.GossipAnnounce, ...item }));
  }

  /** Send GOSSIP VALIDATION for `messageId`. */
  validate(messageId: number, valid: boolean): void {
    this.validationsSent.push({ messageId, valid });
    this.sendRaw(encodeMessage({ type: MessageType.GossipValidation, messageId, valid }));
  }

  /** Write bytes as they are (malformed frames, partial frames, several frames at once). */
  sendRaw(bytes: Uint8Array): void {
    if (this.isClosed) return;
    this.socket.write(bytes);
  }

  /** Write bytes and resolve once they were handed to the kernel. */
  sendRawAndFlush(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve) => {
      if (this.isClosed) return resolve();
      this.socket.write(bytes, () => resolve());
    });
  }

  /** Stop reading from the socket: the server's writes pile up, as with a stuck module. */
  pauseReading(): void {
    this.socket.pause();
  }

  /** Resume reading after `pauseReading`. */
  resumeReading(): void {
    this.socket.resume();
  }

  /**
   * The next notification not yet returned by this method (a cursor over
   * `notifications`, so ones that arrived earlier are returned first).
   */
  async nextNotification(): Promise<GossipNotification> {
    const index = this.cursor++;
    await this.awaitCount(index + 1, `notification #${index + 1}`);
    return this.notifications[index]!;
  }

  /** Resolve once at least `n` notifications have arrived in total; returns the first `n`. */
  async waitForNotifications(n: number): Promise<GossipNotification[]> {
    await this.awaitCount(n, `${n} notifications`);
    return this.notifications.slice(0, n);
  }

  /** Resolve once the connection is closed; fail after the wait timeout (the server never closed it). */
  waitForClose(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`FakeModule: not closed within ${this.waitTimeoutMs} ms`)),
        this.waitTimeoutMs,
      );
      void this.closed.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Close the connection (FIN) and wait until it is fully closed. */
  close(): Promise<void> {
    if (!this.isClosed) this.socket.end();
    return this.closed;
  }

  /** Drop the connection at once (RST-like), without waiting. */
  destroy(): void {
    this.socket.destroy();
  }

  private awaitCount(count: number, what: string): Promise<void> {
    if (this.notifications.length >= count) return Promise.resolve();
    if (this.isClosed) return Promise.reject(new Error(`FakeModule closed before ${what} arrived`));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        count,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`FakeModule: timed out after ${this.waitTimeoutMs} ms waiting for ${what}`));
        }, this.waitTimeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  private onData(chunk: Buffer): void {
    let frames: Uint8Array[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      this.errors.push(err as Error);
      this.socket.destroy();
      return;
    }
    for (const frame of frames) {
      let msg: Message;
      try {
        msg = decodeMessage(frame);
      } catch (err) {
        this.errors.push(err as Error);
        continue;
      }
      if (msg.type === MessageType.GossipNotification) this.onNotification(msg);
      else this.unexpected.push(msg);
    }
  }

  private onNotification(msg: GossipNotification): void {
    const n: GossipNotification = { ...msg, data: new Uint8Array(msg.data) };
    this.notifications.push(n);
    const answer =
      this.policy === 'valid' ? true : this.policy === 'invalid' ? false : this.policy === 'silent' ? undefined : this.policy(n);
    if (answer !== undefined) this.validate(n.messageId, answer);
    for (const w of this.waiters) {
      if (this.notifications.length >= w.count) {
        clearTimeout(w.timer);
        this.waiters.delete(w);
        w.resolve();
      }
    }
  }

  private onClose(): void {
    this.isClosed = true;
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new Error(`FakeModule closed with ${this.notifications.length} of ${w.count} notifications`));
    }
    this.waiters.clear();
    this.markClosed();
  }
}
