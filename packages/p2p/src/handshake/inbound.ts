import {
  formatPeerAddress,
  HelloFlag,
  MessageType,
  NONCE_SIZE,
  peerAddressEquals,
  verifyProofOfWork,
  type Message,
  type PeerAddress,
} from '@gossip5/protocol';
import { bindNonce } from '../identity/auth-messages.js';
import { CloseReason } from '../transport/close-reason.js';
import type { Link } from '../transport/link.js';
import type { Clock, RandomBytes } from '../types.js';

export interface InboundContext {
  clock: Clock;
  randomBytes: RandomBytes;
  difficulty: number;
  timeoutMs: number;
  /** This node's HELLO flag bits; VERIFICATION REQUEST answers with those both ends set, and the link keeps them. */
  flags: number;
  /**
   * Called on HELLO with the claimed address: undefined to go on, or the reason to
   * refuse (self-link, duplicate, full view, lost simultaneous dial).
   */
  admit(link: Link, address: PeerAddress): CloseReason | { reason: CloseReason; detail: string } | undefined;
  /** Called once nonce, address and work check out; the owner establishes the link (or closes it). */
  verified(link: Link, address: PeerAddress): void;
}

/**
 * The listener's side of the HELLO handshake: HELLO -> VERIFICATION REQUEST
 * (fresh 16-byte nonce) -> VERIFICATION RESPONSE checked for nonce, address and
 * work. Anything else, or no answer in time, closes the link with the reason.
 */
export class InboundHandshake {
  private hello: PeerAddress | undefined;
  private nonce: Uint8Array | undefined;
  private timer: unknown;
  private done = false;

  constructor(
    private readonly link: Link,
    private readonly ctx: InboundContext,
  ) {}

  start(): void {
    this.timer = this.ctx.clock.setTimeout(() => {
      this.finish();
      this.link.close(
        CloseReason.HandshakeTimeout,
        this.hello ? 'no VERIFICATION RESPONSE in time' : 'no HELLO in time',
      );
    }, this.ctx.timeoutMs);
  }

  /** Stop the timer (the link closed for another reason). */
  cancel(): void {
    this.finish();
  }

  handle(msg: Message): void {
    if (this.done) return;
    if (!this.hello) {
      if (msg.type !== MessageType.Hello) return this.fail(CloseReason.MessageBeforeHello, `got type ${msg.type}`);
      const saysAuthenticated = ((msg.flags ?? 0) & HelloFlag.Authenticated) !== 0;
      if (saysAuthenticated !== (this.link.identity !== undefined)) {
        const detail = saysAuthenticated ? 'HELLO says authenticated on a plaintext link' : 'HELLO over TLS without flag bit 2';
        return this.fail(CloseReason.AuthFlagMismatch, detail);
      }
      const refusal = this.ctx.admit(this.link, msg.address);
      if (typeof refusal === 'object') return this.fail(refusal.reason, refusal.detail);
      if (refusal) return this.fail(refusal, `HELLO from ${formatPeerAddress(msg.address)}`);
      this.hello = msg.address;
      // Bit 2 is answered as the channel is (checked above), the other bits as both ends set them.
      this.link.flags = ((msg.flags ?? 0) & this.ctx.flags) | (saysAuthenticated ? HelloFlag.Authenticated : 0);
      this.nonce = this.ctx.randomBytes(NONCE_SIZE);
      // Answer with the bits both ends set: a dialer that sent none (a plain peer) gets 0 in what was
      // a reserved byte, exactly as before flags existed.
      const { difficulty } = this.ctx;
      this.link.send({ type: MessageType.VerificationRequest, difficulty, flags: this.link.flags, nonce: this.nonce });
      return;
    }
    if (msg.type === MessageType.Hello) return this.fail(CloseReason.SecondHello);
    if (msg.type !== MessageType.VerificationResponse) {
      return this.fail(CloseReason.UnexpectedMessage, `got type ${msg.type} while awaiting VERIFICATION RESPONSE`);
    }
    if (!equalBytes(msg.nonce, this.nonce!)) return this.fail(CloseReason.WrongNonce);
    if (!peerAddressEquals(msg.address, this.hello)) {
      return this.fail(
        CloseReason.AddressMismatch,
        `HELLO said ${formatPeerAddress(this.hello)}, VERIFICATION RESPONSE says ${formatPeerAddress(msg.address)}`,
      );
    }
    const id = this.link.identity;
    const nonce = id ? bindNonce(this.nonce!, id) : this.nonce!;
    if (!verifyProofOfWork(nonce, this.hello, msg.solution, this.ctx.difficulty)) {
      return this.fail(CloseReason.InsufficientWork, `fewer than ${this.ctx.difficulty} leading zero bits`);
    }
    this.finish();
    this.ctx.verified(this.link, this.hello);
  }

  private fail(reason: CloseReason, detail?: string): void {
    this.finish();
    this.link.close(reason, detail);
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.ctx.clock.clearTimeout(this.timer);
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
