import { TURN_BUFFER_BYTES } from './constants.js';

const EMPTY = Buffer.alloc(0);

/** Where the gathered bytes go: a socket (`net.Socket`, `tls.TLSSocket`, or anything with the same two members). */
export interface TurnSink {
  write(chunk: Uint8Array): boolean;
  readonly destroyed: boolean;
}

/**
 * The frames one connection sends within one turn of the event loop (until the next tick), gathered
 * in one buffer and handed to the socket as one write: one stream write and one system call per turn
 * rather than one or two stream writes per frame, and no Buffer per frame. Nothing waits for a
 * timer: the flush runs as soon as the code that wrote returns to the event loop. The owner bounds
 * `length` (its queue limit counts these bytes). The write-side twin of `FrameDecoder`: the daemon's
 * module connections and p2p links both send through one.
 */
export class TurnBuffer {
  /**
   * The turn's buffer, allocated at its first frame and handed to the socket at its end: between
   * turns a connection holds none (a node holds one per link, 80 000 in a simulated 10 000-node
   * network, and a 512-byte slice kept for good holds its whole 8 KiB pool slab).
   */
  private buf: Buffer = EMPTY;
  private used = 0;
  /** Bytes the last turn wrote: the next turn's first size, so a busy connection does not regrow. */
  private lastTurn = 0;
  private scheduled = false;
  private dropped = false;

  constructor(private readonly sink: TurnSink) {}

  /** Bytes gathered and not yet handed to the socket. */
  get length(): number {
    return this.used;
  }

  /**
   * Room for `n` more bytes: returns the buffer and the offset to write them at (valid until the
   * next call). The flush is scheduled for the end of this turn.
   */
  reserve(n: number): { bytes: Buffer; at: number } {
    if (this.used + n > this.buf.length) {
      // A turn's first frame gets what the last turn wrote (often exactly this turn's size, so the
      // socket gets the buffer itself); a turn that outgrows it doubles.
      const size =
        this.buf.length === 0
          ? Math.max(n, this.lastTurn)
          : Math.max(TURN_BUFFER_BYTES, 2 * this.buf.length, this.used + n);
      const bigger = Buffer.allocUnsafe(size);
      this.buf.copy(bigger, 0, 0, this.used);
      this.buf = bigger;
    }
    const at = this.used;
    this.used += n;
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.flush);
    }
    return { bytes: this.buf, at };
  }

  /** Forget what is gathered and never write again (the connection is closed). */
  drop(): void {
    this.dropped = true;
    this.used = 0;
    this.buf = EMPTY;
  }

  /** Copy `frame` in (a frame encoded once for many connections stays untouched). */
  append(frame: Uint8Array): void {
    const { bytes, at } = this.reserve(frame.length);
    bytes.set(frame, at);
  }

  /** Hand what was gathered to the socket now. */
  readonly flush = (): void => {
    this.scheduled = false;
    if (this.used === 0 || this.dropped) return;
    // The buffer itself goes to the socket, which may hold it until the kernel takes it: this one
    // never touches it again (the next turn allocates its own), so no copy is needed.
    const out = this.used === this.buf.length ? this.buf : this.buf.subarray(0, this.used);
    this.lastTurn = this.used;
    this.buf = EMPTY;
    this.used = 0;
    if (!this.sink.destroyed) this.sink.write(out);
  };
}
