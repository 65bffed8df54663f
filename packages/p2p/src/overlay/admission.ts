import { formatPeerAddress, type PeerAddress } from '@gossip5/protocol';
import type { P2PConfig } from '../config.js';
import { randomU32 } from '../random.js';
import { CloseReason } from '../transport/close-reason.js';
import type { Link } from '../transport/link.js';
import type { RandomBytes } from '../types.js';
import type { View } from './view.js';

export interface AdmissionOptions {
  config: P2PConfig;
  random: RandomBytes;
  view: View<Link>;
}

/**
 * Admission policy: who may link, and whom a full view gives up for a newcomer. It decides; the
 * connection manager (Membership) acts.
 *
 * A full view mostly refuses newcomers. A bootstrapper always admits them (a joining node has
 * nowhere else to go), any other node with chance `fullViewAdmitChance` (so that groups of full
 * nodes cannot stay cut off); either makes room by closing its longest-established link.
 */
export class Admission {
  private selfKey = '';
  private bootstrapper = false;

  constructor(private readonly opts: AdmissionOptions) {}

  start(selfKey: string, isBootstrapper: boolean): void {
    this.selfKey = selfKey;
    this.bootstrapper = isBootstrapper;
  }

  /** HELLO claims `address` on `link`: the reason to refuse, or undefined to go on. */
  atHello(_link: Link, address: PeerAddress): CloseReason | undefined {
    const key = formatPeerAddress(address);
    if (key === this.selfKey) return CloseReason.SelfLink;
    if (this.opts.view.has(key)) return CloseReason.DuplicateLink;
    return undefined;
  }

  /**
   * Whether a full view makes room for one more newcomer: always on a bootstrapper, otherwise by
   * chance (`fullViewAdmitChance`).
   */
  admitsWhenFull(): boolean {
    if (this.bootstrapper) return true;
    const chance = this.opts.config.fullViewAdmitChance;
    return chance > 0 && randomU32(this.opts.random) < chance * 2 ** 32;
  }

  /** The link to close to make room for a newcomer. */
  victim(): Link | undefined {
    return this.opts.view.oldest();
  }
}
