import type { Socket } from 'node:net';
import {
  FrameDecoder,
  MessageType,
  decodeMessage,
  frameType,
  isProtocolError,
  TurnBuffer,
  typeName,
  type Message,
} from '@gossip5/protocol';
import type { Delivery, DeliveryTarget } from './delivery.js';
import { ApiErrorCode } from './errors.js';
import { PendingValidations } from './pending-validations.js';
import type { TimerRef, Timers } from './timers.js';
import type { CloseReason, Logger, ModuleConnection } from './types.js';

/** Bytes of a NOTIFICATION before its data: size, type, message_id, data_type. */
const NOTIFICATION_HEADER = 8;

/** What a connection reports to the server. Handlers may close the connection. */
export interface ConnectionHandler {
  onBytes(conn: Connection, bytes: number): void;
  onFrame(conn: Connection): void;
  onMessage(conn: Connection, msg: Message): void;
  onMalformed(conn: Connection, code: string): void;
  onClose(conn: Connection, reason: CloseReason): void;
}

export interface ConnectionInit {
  id: number;
  remote: string;
  idleTimeoutMs: number;
  maxQueuedBytes: number;
  maxPendingValidations: number;
}

export interface ConnectionDeps {
  timers: Timers;
  logger: Logger;
  handler: ConnectionHandler;
}

/** Close reasons that are the module's fault or a resource limit: logged at warn level. */
const WARN_REASONS: ReadonlySet<CloseReason> = new Set([
  'malformed',
  'idle-timeout',
  'slow-consumer',
  'validation-stalled',
  'subscription-limit',
]);

/**
 * One module's TCP connection: frames in through a FrameDecoder, only the
 * types a module may send, NOTIFICATIONs out through a bounded write queue,
 * and the u16 ids of the notifications awaiting an answer there. Any
 * malformed input closes this connection only, with a warning naming the
 * reason and the remote address.
 */
export class Connection implements ModuleConnection, DeliveryTarget {
  readonly id: number;
  readonly remote: string;
  readonly pending: PendingValidations<Delivery>;
  private readonly decoder = new FrameDecoder();
  private readonly log: Logger;
  private idleTimer: TimerRef | undefined;
  /** This turn's NOTIFICATIONs, sent as one write when the turn ends. */
  private readonly out: TurnBuffer;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly init: ConnectionInit,
    private readonly deps: ConnectionDeps,
  ) {
    this.id = init.id;
    this.remote = init.remote;
    this.pending = new PendingValidations(init.maxPendingValidations);
    this.out = new TurnBuffer(socket);
    this.log = deps.logger.child({ conn: init.id, remote: init.remote });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.log.debug({ err: err.message, errCode: err.code }, 'module connection error');
      this.close('socket-error');
    });
    socket.on('close', () => this.close('remote-closed'));
  }

  /** False once the connection is closed. */
  get isOpen(): boolean {
    return !this.closed;
  }

  /** Bytes written to this connection and not yet taken by the kernel. */
  /** True once this module has sent an ANNOUNCE: it is paused when the spreading path is full. */
  announcer = false;
  private readPaused = false;

  /** Stop reading this module (TCP then slows it down); frames already read are still handled. */
  pauseReading(): void {
    if (this.readPaused || this.closed) return;
    this.readPaused = true;
    this.socket.pause();
  }

  resumeReading(): void {
    if (!this.readPaused) return;
    this.readPaused = false;
    if (!this.closed) this.socket.resume();
  }

  get queuedBytes(): number {
    return this.socket.writableLength + this.out.length;
  }

  /**
   * Queue a GOSSIP NOTIFICATION. Returns false, having closed the connection
   * (slow-consumer), when it would push the write queue past its limit, or
   * when the connection is already closed. `data` is copied into this turn's write at once.
   */
  sendNotification(messageId: number, dataType: number, data: Uint8Array): boolean {
    if (this.closed) return false;
    if (!this.socket.writable) {
      // The module half-closed and Node ended our side: the connection is going away.
      this.close('remote-closed');
      return false;
    }
    const size = NOTIFICATION_HEADER + data.length;
    const queued = this.queuedBytes;
    if (queued + size > this.init.maxQueuedBytes) {
      this.close('slow-consumer', {
        queuedBytes: queued,
        limit: this.init.maxQueuedBytes,
        why: 'module does not read its notifications',
      });
      return false;
    }
    // Written straight into this turn's buffer: no Buffer or stream write per NOTIFICATION.
    const { bytes, at } = this.out.reserve(size);
    bytes[at] = size >>> 8;
    bytes[at + 1] = size & 0xff;
    bytes[at + 2] = MessageType.GossipNotification >>> 8;
    bytes[at + 3] = MessageType.GossipNotification & 0xff;
    bytes[at + 4] = messageId >>> 8;
    bytes[at + 5] = messageId & 0xff;
    bytes[at + 6] = dataType >>> 8;
    bytes[at + 7] = dataType & 0xff;
    if (data.length > 0) bytes.set(data, at + NOTIFICATION_HEADER);
    return true;
  }

  /** Close this connection once; the reason is logged (warn for the module's faults) and reported. */
  close(reason: CloseReason, details: Record<string, unknown> = {}): void {
    if (this.closed) return;
    this.closed = true;
    this.deps.timers.clear(this.idleTimer);
    this.idleTimer = undefined;
    this.out.drop();
    this.socket.destroy();
    const why = typeof details['why'] === 'string' ? ` (${details['why']})` : '';
    if (WARN_REASONS.has(reason)) {
      this.log.warn({ reason, ...details }, `closing module connection ${this.remote}: ${reason}${why}`);
    } else {
      this.log.debug({ reason, ...details }, `module connection ${this.remote} closed: ${reason}`);
    }
    this.deps.handler.onClose(this, reason);
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.deps.handler.onBytes(this, chunk.length);
    // Frames before a bad header still count; the connection is closed after them.
    const { frames, error } = this.decoder.read(chunk);
    this.handleFrames(frames);
    if (error && !this.closed) this.malformed(error);
  }

  private handleFrames(frames: Uint8Array[]): void {
    for (const frame of frames) {
      if (this.closed) return;
      this.deps.handler.onFrame(this);
      const type = frameType(frame);
      if (type === MessageType.GossipNotification || (type >= MessageType.PeerRequest && type <= MessageType.AuthPush)) {
        this.malformed({
          code: ApiErrorCode.ForbiddenType,
          message: `${typeName(type)} (${type}) may not be sent by a module`,
        });
        return;
      }
      let msg: Message;
      try {
        msg = decodeMessage(frame);
      } catch (err) {
        this.malformed(err);
        return;
      }
      this.deps.handler.onMessage(this, msg);
    }
    if (!this.closed) this.updateIdleTimer(frames.length > 0);
  }

  /** A started frame must complete within idleTimeoutMs; the window restarts with each new frame. */
  private updateIdleTimer(frameCompleted: boolean): void {
    if (frameCompleted || this.decoder.buffered === 0) {
      this.deps.timers.clear(this.idleTimer);
      this.idleTimer = undefined;
    }
    if (this.decoder.buffered > 0 && !this.idleTimer) {
      this.idleTimer = this.deps.timers.set(() => {
        this.idleTimer = undefined;
        this.close('idle-timeout', {
          bufferedBytes: this.decoder.buffered,
          idleTimeoutMs: this.init.idleTimeoutMs,
          why: 'frame not completed in time',
        });
      }, this.init.idleTimeoutMs);
    }
  }

  private malformed(err: unknown): void {
    const code = isProtocolError(err)
      ? err.code
      : typeof (err as { code?: unknown })?.code === 'string'
        ? (err as { code: string }).code
        : 'GOSSIP_ERR_UNKNOWN';
    const message = err instanceof Error || typeof (err as { message?: unknown })?.message === 'string'
      ? (err as { message: string }).message
      : String(err);
    this.deps.handler.onMalformed(this, code);
    this.close('malformed', { code, why: message });
  }
}
