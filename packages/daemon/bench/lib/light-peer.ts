/**
 * A neighbour for load tests. A testkit FakePeer does the HELLO handshake
 * (proof of work included); then this class takes the socket over and reads
 * only frame headers, so that counting thousands of forwarded items per second
 * costs the benchmark process little. It answers PING, counts PEER
 * NOTIFICATIONs, and can blast PEER NOTIFICATIONs with fresh ids.
 */
import { once } from 'node:events';
import type { FakePeer } from '@gossip5/testkit';

const PEER_NOTIFICATION = 511;
const PING = 510;
/** size u16, type u16, ttl u8, flags u8, message_id u64, data_type u16. */
const NOTIFICATION_HEADER = 16;

export class LightPeer {
  /** PEER NOTIFICATIONs received since the takeover. */
  notifications = 0;
  /** Other frames received since the takeover, by type. */
  readonly other: Record<number, number> = {};
  pingsAnswered = 0;
  /** performance.now() of the last PEER NOTIFICATION. */
  lastNotificationAt = 0;
  private leftover: Buffer | undefined;
  private waiters: Array<{ count: number; done: (ok: boolean) => void }> = [];

  constructor(readonly fake: FakePeer) {
    const socket = fake.socket;
    socket.removeAllListeners('data');
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  get open(): boolean {
    return !this.fake.closed;
  }

  /**
   * Resolve to true once `count` PEER NOTIFICATIONs arrived, to false if the
   * link closed or none arrived for `stallMs` (the node is dropping items).
   */
  whenNotifications(count: number, stallMs = 3_000): Promise<boolean> {
    if (this.notifications >= count) return Promise.resolve(true);
    if (!this.open) return Promise.resolve(false);
    return new Promise((resolve) => {
      let seen = this.notifications;
      const check = setInterval(() => {
        if (this.notifications !== seen) seen = this.notifications;
        else finish(false);
      }, stallMs);
      const finish = (ok: boolean) => {
        clearInterval(check);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(ok);
      };
      const waiter = { count, done: finish };
      this.waiters.push(waiter);
    });
  }

  /**
   * Send `count` PEER NOTIFICATIONs (ttl, dataType, `dataBytes` bytes of data,
   * ids `idHigh << 32 | n`), in writes of `batch` frames, as fast as the socket
   * takes them: a write that fills the socket's buffer waits for 'drain'. With
   * `gate`, each batch first waits for it (a closed loop: at most a window in flight).
   */
  async blast(o: {
    count: number;
    ttl: number;
    dataType: number;
    dataBytes: number;
    idHigh: number;
    batch?: number;
    /** Stop sending at this performance.now() time, whatever was sent. */
    until?: number;
    /** Before each batch: a promise to wait for, or undefined to go on; resolving to false stops sending. */
    gate?: (sent: number) => Promise<boolean> | undefined;
    onBatch?: (sent: number) => void;
  }): Promise<number> {
    const socket = this.fake.socket;
    const batch = o.batch ?? 256;
    const frameSize = NOTIFICATION_HEADER + o.dataBytes;
    let sent = 0;
    while (sent < o.count && this.open && (o.until === undefined || performance.now() < o.until)) {
      const gate = o.gate?.(sent);
      if (gate && !(await gate)) break;
      const n = Math.min(batch, o.count - sent);
      const buf = Buffer.allocUnsafe(n * frameSize);
      for (let k = 0; k < n; k++) {
        const at = k * frameSize;
        const id = sent + k;
        buf.writeUInt16BE(frameSize, at);
        buf.writeUInt16BE(PEER_NOTIFICATION, at + 2);
        buf[at + 4] = o.ttl;
        buf[at + 5] = 0;
        buf.writeUInt32BE(o.idHigh >>> 0, at + 6);
        buf.writeUInt32BE(id >>> 0, at + 10);
        buf.writeUInt16BE(o.dataType, at + 14);
        buf.fill(0x61, at + NOTIFICATION_HEADER, at + frameSize);
        if (o.dataBytes >= 4) buf.writeUInt32BE(id >>> 0, at + NOTIFICATION_HEADER);
      }
      sent += n;
      const flushed = socket.write(buf);
      o.onBatch?.(sent);
      if (!flushed) await once(socket, 'drain');
      // Let the benchmark's own sockets (sinks, module) be served between batches.
      else await new Promise<void>((r) => setImmediate(r));
    }
    return sent;
  }

  close(): void {
    this.fake.close();
    for (const w of this.waiters.splice(0)) w.done(false);
  }

  private onData(chunk: Buffer): void {
    const buf = this.leftover ? Buffer.concat([this.leftover, chunk]) : chunk;
    this.leftover = undefined;
    let at = 0;
    let got = 0;
    while (buf.length - at >= 4) {
      const size = buf.readUInt16BE(at);
      if (size < 4) {
        this.fake.close();
        return;
      }
      if (buf.length - at < size) break;
      const type = buf.readUInt16BE(at + 2);
      if (type === PEER_NOTIFICATION) got++;
      else {
        this.other[type] = (this.other[type] ?? 0) + 1;
        if (type === PING && size === 10 && (buf[at + 4]! & 1) === 0) {
          const reply = Buffer.from(buf.subarray(at, at + 10));
          reply[4] = 1;
          this.fake.socket.write(reply);
          this.pingsAnswered++;
        }
      }
      at += size;
    }
    if (at < buf.length) this.leftover = Buffer.from(buf.subarray(at));
    if (got > 0) {
      this.notifications += got;
      this.lastNotificationAt = performance.now();
      if (this.waiters.length > 0) {
        const still: typeof this.waiters = [];
        for (const w of this.waiters) {
          if (this.notifications >= w.count) w.done(true);
          else still.push(w);
        }
        this.waiters = still;
      }
    }
  }
}
