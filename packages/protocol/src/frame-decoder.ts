import { HEADER_SIZE, MAX_FRAME_SIZE } from './constants.js';
import { ErrorCode, ProtocolError } from './errors.js';

export interface FrameDecoderOptions {
  /**
   * Largest frame accepted, 4..65535 (default 65535). A frame whose size field
   * is larger is rejected with GOSSIP_ERR_TOO_LARGE before its body is read.
   */
  maxFrameSize?: number;
}

/**
 * Streaming frame splitter for a TCP connection: push chunks of any size,
 * get back zero or more whole frames (header included).
 *
 * Memory is bounded by one frame: at most `maxFrameSize` bytes are held
 * between calls. Frames that lie whole inside a pushed chunk are returned as
 * views of that chunk (no copy); only a frame split across chunks is copied.
 *
 * After an error the decoder is poisoned (every later call fails with the same
 * error): the caller is expected to close the connection. `push` throws it, and
 * so drops the frames of that chunk that came before the bad header; `read`
 * returns those frames together with the error, so a caller can still act on
 * them (a module's VALIDATION followed by garbage in one TCP segment counts
 * the same as when the garbage comes in the next segment).
 */
export class FrameDecoder {
  readonly maxFrameSize: number;
  /** Partial frame being assembled, allocated at its final size once the header is known. */
  private partial: Uint8Array | undefined;
  private filled = 0;
  /** Up to 3 bytes of a header split across chunks. */
  private readonly headerBuf = new Uint8Array(HEADER_SIZE);
  private headerFilled = 0;
  private failure: ProtocolError | undefined;

  constructor(options: FrameDecoderOptions = {}) {
    const max = options.maxFrameSize ?? MAX_FRAME_SIZE;
    if (!Number.isInteger(max) || max < HEADER_SIZE || max > MAX_FRAME_SIZE) {
      throw new ProtocolError(ErrorCode.OutOfRange, `maxFrameSize must be 4..65535, got ${max}`, {
        field: 'maxFrameSize',
      });
    }
    this.maxFrameSize = max;
  }

  /** Bytes currently held for an incomplete frame. */
  get buffered(): number {
    return this.partial ? this.filled : this.headerFilled;
  }

  /** Feed one chunk; returns the whole frames it completed, in order. Throws at a bad header. */
  push(chunk: Uint8Array): Uint8Array[] {
    const { frames, error } = this.read(chunk);
    if (error) throw error;
    return frames;
  }

  /**
   * Feed one chunk; returns the whole frames it completed, in order, and the error that stopped it, if
   * any: then `frames` are those before the bad header, and the decoder is poisoned.
   */
  read(chunk: Uint8Array): { frames: Uint8Array[]; error: ProtocolError | undefined } {
    const frames: Uint8Array[] = [];
    if (this.failure) return { frames, error: this.failure };
    try {
      this.split(chunk, frames);
    } catch (err) {
      if (err !== this.failure) throw err;
      return { frames, error: this.failure };
    }
    return { frames, error: undefined };
  }

  private split(chunk: Uint8Array, frames: Uint8Array[]): void {
    let offset = 0;
    const len = chunk.length;
    while (offset < len) {
      if (this.partial) {
        // Continue a frame whose header is known.
        const need = this.partial.length - this.filled;
        const take = Math.min(need, len - offset);
        this.partial.set(chunk.subarray(offset, offset + take), this.filled);
        this.filled += take;
        offset += take;
        if (this.filled === this.partial.length) {
          frames.push(this.partial);
          this.partial = undefined;
          this.filled = 0;
        }
        continue;
      }
      if (this.headerFilled > 0 || len - offset < HEADER_SIZE) {
        // Assemble a header split across chunks.
        const take = Math.min(HEADER_SIZE - this.headerFilled, len - offset);
        this.headerBuf.set(chunk.subarray(offset, offset + take), this.headerFilled);
        this.headerFilled += take;
        offset += take;
        if (this.headerFilled < HEADER_SIZE) break;
        const size = this.checkSize(this.headerBuf, 0);
        this.headerFilled = 0;
        const frame = new Uint8Array(size);
        frame.set(this.headerBuf, 0);
        if (size === HEADER_SIZE) {
          frames.push(frame);
        } else {
          this.partial = frame;
          this.filled = HEADER_SIZE;
        }
        continue;
      }
      // Fast path: a whole header is in this chunk.
      const size = this.checkSize(chunk, offset);
      if (len - offset >= size) {
        frames.push(chunk.subarray(offset, offset + size));
        offset += size;
      } else {
        const frame = new Uint8Array(size);
        frame.set(chunk.subarray(offset), 0);
        this.partial = frame;
        this.filled = len - offset;
        offset = len;
      }
    }
  }

  private checkSize(bytes: Uint8Array, offset: number): number {
    const size = (bytes[offset]! << 8) | bytes[offset + 1]!;
    const type = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
    if (size < HEADER_SIZE) {
      this.failure = new ProtocolError(ErrorCode.SizeTooSmall, `size field ${size} is below ${HEADER_SIZE}`, {
        messageType: type,
        field: 'size',
      });
      throw this.failure;
    }
    if (size > this.maxFrameSize) {
      this.failure = new ProtocolError(
        ErrorCode.TooLarge,
        `frame of ${size} bytes exceeds the limit of ${this.maxFrameSize}`,
        { messageType: type, field: 'size' },
      );
      throw this.failure;
    }
    return size;
  }
}
