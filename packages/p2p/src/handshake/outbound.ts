import { MessageType, PROTOCOL_VERSION, type Message, type PeerAddress } from '@gossip5/protocol';
import { CloseReason } from '../transport/close-reason.js';
import type { Link } from '../transport/link.js';
import type { Clock, PowSolver } from '../types.js';

export interface OutboundContext {
  clock: Clock;
  /** This node's listening address, sent in HELLO and bound into the proof. */
  self: PeerAddress;
  solver: PowSolver;
  maxDifficulty: number;
  timeoutMs: number;
  /** This node's HELLO flag bits; the link keeps those the listener also sets in VERIFICATION REQUEST. */
  flags: number;
  /** Called with the listener's PEER RESPONSE: the link is established on the listener's side. */
  established(link: Link, peers: PeerAddress[]): void;
}

type Step = 'await-request' | 'solving' | 'await-response' | 'done';

/**
 * The dialer's side of the HELLO handshake: HELLO, then solve the VERIFICATION
 * REQUEST off the event loop, answer VERIFICATION RESPONSE, and wait for the
 * PEER RESPONSE that establishes the link.
 */
export class OutboundHandshake {
  private step: Step = 'await-request';
  private timer: unknown;
  /** Aborts the solver's job once this handshake ends, however it ends. */
  private readonly job = new AbortController();

  constructor(
    private readonly link: Link,
    private readonly ctx: OutboundContext,
  ) {}

  start(): void {
    this.timer = this.ctx.clock.setTimeout(() => {
      const step = this.step;
      this.finish();
      this.link.close(CloseReason.HandshakeTimeout, `stuck at ${step}`);
    }, this.ctx.timeoutMs);
    this.link.send({ type: MessageType.Hello, version: PROTOCOL_VERSION, flags: this.ctx.flags, address: this.ctx.self });
  }

  cancel(): void {
    this.finish();
  }

  /**
   * True until the listener established the link: a close now means it refused us (its view was
   * full once our work was done, or our group had enough links) or died.
   */
  get awaitingListener(): boolean {
    return this.step !== 'done';
  }

  handle(msg: Message): void {
    if (this.step === 'done') return;
    if (this.step === 'await-request' && msg.type === MessageType.VerificationRequest) {
      if (msg.difficulty > this.ctx.maxDifficulty) {
        const detail = `asked ${msg.difficulty}, solving at most ${this.ctx.maxDifficulty}`;
        return this.fail(CloseReason.DifficultyTooHigh, detail);
      }
      this.step = 'solving';
      this.link.flags = (msg.flags ?? 0) & this.ctx.flags;
      const nonce = msg.nonce.slice();
      this.ctx.solver(nonce, this.ctx.self, msg.difficulty, this.job.signal).then(
        (solution) => {
          if (this.step !== 'solving' || this.link.state === 'closed') return;
          this.step = 'await-response';
          this.link.send({ type: MessageType.VerificationResponse, nonce, solution, address: this.ctx.self });
        },
        (err: unknown) => {
          if (this.step !== 'solving') return;
          this.fail(CloseReason.PowFailed, err instanceof Error ? err.message : String(err));
        },
      );
      return;
    }
    if (this.step === 'await-response' && msg.type === MessageType.PeerResponse) {
      this.finish();
      this.ctx.established(this.link, msg.peers);
      return;
    }
    this.fail(CloseReason.UnexpectedMessage, `got type ${msg.type} at ${this.step}`);
  }

  private fail(reason: CloseReason, detail?: string): void {
    this.finish();
    this.link.close(reason, detail);
  }

  private finish(): void {
    if (this.step === 'done') return;
    this.step = 'done';
    this.ctx.clock.clearTimeout(this.timer);
    this.job.abort();
  }
}
