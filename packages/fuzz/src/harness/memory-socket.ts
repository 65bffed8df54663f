/**
 * The in-memory stand-in for a node:net Socket that the API server and the P2P
 * node are handed instead of an accepted TCP connection: it has the methods and
 * fields they use; bytes fed in are emitted as 'data' (held while paused, as
 * the kernel would), bytes written are kept for the harness to read, and
 * destroy() emits 'close' on the next tick, like a real socket.
 */
import { EventEmitter } from 'node:events';

export class MemorySocket extends EventEmitter {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress = '127.0.0.1';
  readonly localPort = 1;
  writable = true;
  destroyed = false;
  readonly writableLength = 0;
  private paused = false;
  private held: Uint8Array[] = [];
  private out: Uint8Array[] = [];

  constructor(remotePort: number, remoteAddress = '127.0.0.1') {
    super();
    this.remotePort = remotePort;
    this.remoteAddress = remoteAddress;
  }

  // --- what the code under test calls ---

  write(chunk: Uint8Array): boolean {
    if (this.destroyed) return false;
    this.out.push(Uint8Array.from(chunk));
    return true;
  }

  cork(): void {}
  uncork(): void {}

  setNoDelay(): this {
    return this;
  }

  pause(): this {
    this.paused = true;
    return this;
  }

  resume(): this {
    if (!this.paused) return this;
    this.paused = false;
    process.nextTick(() => this.flushHeld());
    return this;
  }

  destroy(): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    this.writable = false;
    process.nextTick(() => this.emit('close', false));
    return this;
  }

  destroySoon(): void {
    this.destroy();
  }

  end(): this {
    return this.destroy();
  }

  // --- what the harness (the remote side) calls ---

  /** The remote sends bytes. */
  feed(chunk: Uint8Array): void {
    if (this.destroyed) return;
    if (this.paused) {
      this.held.push(chunk);
      return;
    }
    this.emit('data', Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }

  /** The remote closes the connection. */
  hangUp(): void {
    this.destroy();
  }

  /** Everything written since the last call, as one buffer. */
  /** What the code under test wrote, once the writes it gathered this turn are flushed (next tick). */
  async written(): Promise<Uint8Array> {
    await new Promise<void>((resolve) => process.nextTick(resolve));
    return this.takeWritten();
  }

  takeWritten(): Uint8Array {
    if (this.out.length === 0) return new Uint8Array(0);
    const parts = this.out;
    this.out = [];
    if (parts.length === 1) return parts[0]!;
    const all = Buffer.concat(parts);
    return new Uint8Array(all.buffer, all.byteOffset, all.length);
  }

  get isPaused(): boolean {
    return this.paused;
  }

  private flushHeld(): void {
    const held = this.held;
    this.held = [];
    for (let i = 0; i < held.length; i++) {
      if (this.paused) {
        this.held = held.slice(i).concat(this.held);
        return;
      }
      this.feed(held[i]!);
    }
  }
}
