import { createHash, type Hash } from 'node:crypto';

export const TraceKind = { Delivery: 1, LinkUp: 2, LinkDown: 3, Publish: 4, Crash: 5, Leave: 6, Join: 7 } as const;

const RECORD = 14;
const BUFFER = 64 * 1024;

/**
 * The ordered event trace of a run, hashed as it goes (never held): fixed 14-byte records
 * (kind u8, virtual ms u32, a u32, b u32, c u8) in the order the events happen. The same seed gives
 * the same sequence, so the same SHA-256.
 */
export class Trace {
  private readonly hash: Hash = createHash('sha256');
  private readonly buf = Buffer.alloc(BUFFER);
  private at = 0;
  records = 0;

  add(kind: number, ms: number, a: number, b: number, c = 0): void {
    if (this.at + RECORD > BUFFER) this.flush();
    const buf = this.buf;
    let o = this.at;
    buf[o++] = kind;
    buf.writeUInt32LE(ms >>> 0, o);
    buf.writeUInt32LE(a >>> 0, o + 4);
    buf.writeUInt32LE(b >>> 0, o + 8);
    buf[o + 12] = c & 255;
    this.at = o + 13;
    this.records++;
  }

  digest(): string {
    this.flush();
    return this.hash.digest('hex');
  }

  private flush(): void {
    if (this.at > 0) this.hash.update(this.buf.subarray(0, this.at));
    this.at = 0;
  }
}
