import {
  decodeMessage,
  encodeMessage,
  FrameDecoder,
  isProtocolError,
  MessageType,
  TurnBuffer,
  type Message,
  type PeerAddress,
} from '@gossip5/protocol';
import { FAREWELL_FLUSH_MS } from '../constants.js';
import type { Counters } from '../counters.js';
import type { Clock, Logger } from '../types.js';
import { plainIp } from '../net-group.js';
import { closeLogLevel, CloseReason } from './close-reason.js';
import type { Connection } from './types.js';

export type LinkState = 'handshaking' | 'established' | 'closed';

export interface LinkOptions {
  socket: Connection;
  direction: 'inbound' | 'outbound';
  /** Bytes that may wait unsent before the link is dropped. */
  maxSendQueueBytes: number;
  logger: Logger;
  counters: Counters;
  /** For the farewell flush deadline. */
  clock: Clock;
  onMessage(link: Link, msg: Message): void;
  onClose(link: Link, reason: CloseReason): void;
}

/**
 * One connection to a peer: frames in through a FrameDecoder, messages out
 * through a bounded send queue (the socket's own buffer, capped). Bad input
 * closes only this link, with a log line naming the reason and the remote.
 */
export class Link {
  readonly direction: 'inbound' | 'outbound';
  /** `ip:port` of the socket's remote end (not the peer's listening address). */
  readonly remote: string;
  /** IP of the socket's remote end (IPv4-mapped IPv6 shown as IPv4): what identity and groups are checked against. */
  readonly remoteIp: string;
  readonly remotePort: number;
  /** Network group of the peer (IPv4 /24, IPv6 /48; see NetGroups), set by the owner. */
  group = '';
  /** Whether `group` is subject to the per-group limits (not an exempt network). */
  groupLimited = false;
  /**
   * Capability bits (HelloFlag) both ends set in the handshake: this node's own bits AND the
   * peer's, set by the handshake before the link is established. 0 for a plain peer.
   */
  flags = 0;
  /** Items first received on this link and accepted: the eviction policy protects useful links. */
  firstItems = 0;
  state: LinkState = 'handshaking';
  /** The peer's listening address: dialled (outbound) or proved in the handshake (inbound). */
  peer: PeerAddress | undefined;
  /** formatPeerAddress(peer), once known. */
  key: string | undefined;
  /** Clock time the link was established. */
  since = 0;
  /** PEER NOTIFICATIONs received on and sent over this link (for status pages). */
  itemsIn = 0;
  itemsOut = 0;
  closeReason: CloseReason | undefined;
  private log: Logger;
  private readonly socket: Connection;
  private readonly decoder = new FrameDecoder();
  private readonly opts: LinkOptions;
  private socketError: string | undefined;
  /** This turn's frames, handed to the socket as one write when the turn ends. */
  private readonly out: TurnBuffer;

  private paused = false;
  /** Frames read but not yet handled because reading was paused (from `heldFrom` on). */
  private held: Uint8Array[] | undefined;
  private heldFrom = 0;

  constructor(opts: LinkOptions) {
    this.opts = opts;
    this.socket = opts.socket;
    this.out = new TurnBuffer(this.socket);
    this.direction = opts.direction;
    const { remoteAddress, remotePort } = this.socket;
    this.remoteIp = plainIp(remoteAddress ?? '');
    this.remotePort = remotePort ?? 0;
    this.remote = remoteAddress?.includes(':') ? `[${remoteAddress}]:${remotePort}` : `${remoteAddress}:${remotePort}`;
    this.log = opts.logger.child({ remote: this.remote, direction: this.direction });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err: NodeJS.ErrnoException) => {
      this.socketError = err.code ?? err.message;
    });
    this.socket.on('close', () => this.close(CloseReason.ConnectionClosed, this.socketError));
  }

  /** Name the peer once its listening address is known; later log lines carry it. */
  identify(peer: PeerAddress, key: string): void {
    this.peer = peer;
    this.key = key;
    this.log = this.log.child({ peer: key });
  }

  /** The identity the peer proved (authenticated links only). */
  get identity(): Uint8Array | undefined {
    return this.socket.peerIdentity;
  }

  get logger(): Logger {
    return this.log;
  }

  /** Bytes written but not yet handed to the kernel. */
  /** True while this node has stopped reading from the peer (the validation backlog is full). */
  get readPaused(): boolean {
    return this.paused;
  }

  /** Stop reading (TCP then slows the peer down); frames already read are still handled. */
  pauseReading(): void {
    if (this.paused || this.state === 'closed') return;
    this.paused = true;
    this.socket.pause();
  }

  resumeReading(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.state === 'closed') return;
    const held = this.held;
    if (held) {
      this.held = undefined;
      this.handleFrames(held, this.heldFrom);
    }
    // Handling the held frames may have paused it again.
    if (!this.paused && (this.state as LinkState) !== 'closed') this.socket.resume();
  }

  get queuedBytes(): number {
    return this.socket.writableLength + this.out.length;
  }

  /**
   * Queue one message. Returns false (and sends nothing) when the link is closed,
   * or closes the link when its queue would grow beyond the limit.
   */
  send(msg: Message): boolean {
    if (this.state === 'closed') return false;
    return this.sendFrame(encodeMessage(msg), msg.type);
  }

  /**
   * Queue one already encoded frame of `type` (so a message spread to many
   * neighbours is encoded once). Frames queued within one turn of the event
   * loop leave in one write when the turn ends (TurnBuffer).
   */
  sendFrame(frame: Uint8Array, type: number): boolean {
    if (this.state === 'closed') return false;
    const queued = this.queuedBytes;
    if (queued + frame.length > this.opts.maxSendQueueBytes) {
      this.opts.counters.drops.drop(
        CloseReason.SendQueueFull,
        { remote: this.remote, peer: this.key, queued },
        'neighbour does not read, link dropped',
      );
      this.close(CloseReason.SendQueueFull, `${queued} bytes queued`);
      return false;
    }
    this.out.append(frame);
    this.opts.counters.sent(type);
    if (type === MessageType.PeerNotification) this.itemsOut++;
    return true;
  }

  /**
   * Close the connection once; logs the reason and tells the owner. `flush`
   * lets what was already queued go out first (a farewell PUSH); otherwise
   * the socket is destroyed at once.
   */
  close(reason: CloseReason, detail?: string, flush = false): void {
    if (this.state === 'closed') return;
    const wasEstablished = this.state === 'established';
    this.state = 'closed';
    this.closeReason = reason;
    if (flush) {
      // What this turn gathered (the farewell PUSH) goes before the end.
      this.out.flush();
      this.out.drop();
      // A neighbour that does not read cannot hold the socket open for long.
      const { clock } = this.opts;
      const deadline = clock.setTimeout(() => this.socket.destroy(), FAREWELL_FLUSH_MS);
      this.socket.once('close', () => clock.clearTimeout(deadline));
      this.socket.destroySoon();
    } else {
      this.out.drop();
      this.socket.destroy();
    }
    const level = closeLogLevel(reason);
    const fields = { reason, ...(detail !== undefined ? { detail } : {}) };
    const what = wasEstablished ? 'link closed' : 'handshake failed';
    this.log[level](fields, `${what}: ${reason}${detail !== undefined ? ` (${detail})` : ''}`);
    this.opts.onClose(this, reason);
  }

  private onData(chunk: Uint8Array): void {
    if (this.state === 'closed') return;
    let frames: Uint8Array[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      this.close(CloseReason.Malformed, describe(err));
      return;
    }
    if (this.held) {
      // Data after a pause (should not happen): keep the order, handle nothing new yet.
      frames = [...this.held.slice(this.heldFrom), ...frames];
      this.held = undefined;
    }
    this.handleFrames(frames, 0);
  }

  /**
   * Handle frames[from..]; when a handler pauses reading, keep the rest (at most one socket read)
   * for resumeReading, so a paused link really stops taking items, even those already read.
   */
  private handleFrames(frames: Uint8Array[], from: number): void {
    for (let i = from; i < frames.length; i++) {
      // A handler may have closed the link while earlier frames were handled.
      if ((this.state as LinkState) === 'closed') return;
      if (this.paused) {
        this.held = frames;
        this.heldFrom = i;
        return;
      }
      const frame = frames[i]!;
      let msg: Message;
      try {
        msg = decodeMessage(frame);
      } catch (err) {
        this.close(CloseReason.Malformed, describe(err));
        return;
      }
      this.opts.counters.received(msg.type);
      if (msg.type === MessageType.PeerNotification) this.itemsIn++;
      try {
        this.opts.onMessage(this, msg);
      } catch (err) {
        this.log.error({ err }, 'message handler failed');
        this.close(CloseReason.InternalError, describe(err));
        return;
      }
    }
  }
}

function describe(err: unknown): string {
  if (isProtocolError(err)) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
