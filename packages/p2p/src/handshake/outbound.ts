import { HelloFlag, MessageType, PROTOCOL_VERSION, type Message, type PeerAddress } from '@gossip5/protocol';
import { bindNonce } from '../identity/auth-messages.js';
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
  /** This node's identity, when it has a hostkey: HELLO says so and the work is bound to it on TLS links. */
  selfIdentity?: Uint8Array | undefined;
  /** Called with the listener's PEER RESPONSE (505, or 515 on an authenticated link): the link is established on the listener's side. */
  established(link: Link, msg: Extract<Message, { type: 505 | 515 }>): void;
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
  /**
   * Aborts the solver's job if this handshake ends while it runs. Made when solving starts and
   * aborted only then: an abort builds a DOMException, which was 2.5 % of a simulated build.
   */
  private job: AbortController | undefined;

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
    const flags = this.ctx.flags | (this.authenticated ? HelloFlag.Authenticated : 0);
    this.link.send({ type: MessageType.Hello, version: PROTOCOL_VERSION, flags, address: this.ctx.self });
  }

  cancel(): void {
    this.finish();
  }

  /** Over TLS with this node's key: the peer proved an identity and so did we. */
  private get authenticated(): boolean {
    return this.link.identity !== undefined && this.ctx.selfIdentity !== undefined;
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
      this.link.flags = (msg.flags ?? 0) & (this.ctx.flags | (this.authenticated ? HelloFlag.Authenticated : 0));
      const nonce = msg.nonce.slice();
      const bound = this.authenticated ? bindNonce(nonce, this.ctx.selfIdentity!) : nonce;
      this.job = new AbortController();
      this.ctx.solver(bound, this.ctx.self, msg.difficulty, this.job.signal).then(
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
    const response =
      msg.type === MessageType.PeerResponse || (msg.type === MessageType.AuthPeerResponse && this.authenticated);
    if (this.step === 'await-response' && response) {
      this.finish();
      this.ctx.established(this.link, msg);
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
    const solving = this.step === 'solving';
    this.step = 'done';
    this.ctx.clock.clearTimeout(this.timer);
    if (solving) this.job?.abort();
  }
}
