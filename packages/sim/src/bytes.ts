import { HEADER_SIZE_BYTES, NOTIFICATION_DATA_OFFSET, NOTIFICATION_TYPE } from './wire.js';

/**
 * Byte accounting over every chunk the memory network carries. Each chunk the engine writes holds
 * whole frames (a link writes whole frames and gathers one tick's frames into one write), each
 * starting with size u16 and type u16 in network byte order. Payload is the data of PEER
 * NOTIFICATION; everything else (its header fields included, and every other message) is control.
 */
export class ByteCounter {
  payloadBytes = 0;
  controlBytes = 0;
  /** PEER NOTIFICATION frames sent. */
  notifications = 0;
  /** Frames of every other type sent, by type. */
  readonly controlFrames = new Map<number, number>();
  /** Chunks that did not end on a frame boundary (should stay 0: then the split above is exact). */
  unparsed = 0;

  constructor(
    /** Told of each PEER NOTIFICATION with the data's first u32 (the simulator's item index). */
    private readonly onNotification: (itemIndex: number) => void = () => {},
  ) {}

  chunk(chunk: Uint8Array): void {
    let off = 0;
    const n = chunk.length;
    while (off + HEADER_SIZE_BYTES <= n) {
      const size = (chunk[off]! << 8) | chunk[off + 1]!;
      const type = (chunk[off + 2]! << 8) | chunk[off + 3]!;
      if (size < HEADER_SIZE_BYTES || off + size > n) break;
      if (type === NOTIFICATION_TYPE && size >= NOTIFICATION_DATA_OFFSET) {
        this.payloadBytes += size - NOTIFICATION_DATA_OFFSET;
        this.controlBytes += NOTIFICATION_DATA_OFFSET;
        this.notifications++;
        const d = off + NOTIFICATION_DATA_OFFSET;
        if (size >= NOTIFICATION_DATA_OFFSET + 4) {
          this.onNotification((chunk[d]! | (chunk[d + 1]! << 8) | (chunk[d + 2]! << 16) | (chunk[d + 3]! << 24)) >>> 0);
        }
      } else {
        this.controlBytes += size;
        this.controlFrames.set(type, (this.controlFrames.get(type) ?? 0) + 1);
      }
      off += size;
    }
    if (off !== n) {
      this.unparsed++;
      this.controlBytes += n - off;
    }
  }

  reset(): void {
    this.payloadBytes = 0;
    this.controlBytes = 0;
    this.notifications = 0;
    this.controlFrames.clear();
    this.unparsed = 0;
  }
}
