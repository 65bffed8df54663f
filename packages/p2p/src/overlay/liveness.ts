import { MessageType, type Ping } from '@gossip5/protocol';
import type { Counters } from '../counters.js';
import { randomU32 } from '../random.js';
import { CloseReason } from '../transport/close-reason.js';
import type { Link } from '../transport/link.js';
import type { Clock, RandomBytes } from '../types.js';

export interface LivenessOptions {
  clock: Clock;
  random: RandomBytes;
  counters: Counters;
  intervalMs: number;
  timeoutMs: number;
}

interface LinkState {
  timer: unknown;
  /** Token of the PING awaiting its reply. */
  outstanding: number | undefined;
}

/**
 * PING keeps links honest: each neighbour is pinged `intervalMs` after its
 * last reply (or after joining); a PING unanswered within `timeoutMs` closes
 * the link (and the owner replaces it). PING requests are answered at once.
 */
export class Liveness {
  private readonly links = new Map<Link, LinkState>();

  constructor(private readonly opts: LivenessOptions) {}

  track(link: Link): void {
    if (this.links.has(link)) return;
    const state: LinkState = { timer: undefined, outstanding: undefined };
    this.links.set(link, state);
    this.arm(link, state);
  }

  untrack(link: Link): void {
    const state = this.links.get(link);
    if (!state) return;
    this.opts.clock.clearTimeout(state.timer);
    this.links.delete(link);
  }

  stop(): void {
    for (const link of [...this.links.keys()]) this.untrack(link);
  }

  onPing(link: Link, msg: Ping): void {
    if (!msg.reply) {
      link.send({ type: MessageType.Ping, reply: true, token: msg.token });
      return;
    }
    const state = this.links.get(link);
    if (!state || state.outstanding !== msg.token) {
      const msg = 'PING reply with no matching request ignored';
      this.opts.counters.drops.drop('ping-reply-unexpected', { peer: link.key }, msg);
      return;
    }
    this.opts.clock.clearTimeout(state.timer);
    state.outstanding = undefined;
    this.arm(link, state);
  }

  /** Schedule the next PING of `link`. */
  private arm(link: Link, state: LinkState): void {
    state.timer = this.opts.clock.setTimeout(() => {
      if (this.links.get(link) !== state) return;
      const token = randomU32(this.opts.random);
      state.outstanding = token;
      state.timer = this.opts.clock.setTimeout(() => {
        if (this.links.get(link) !== state) return;
        // We stopped reading this link ourselves (backlog full): its reply may be waiting unread.
        if (link.readPaused) return this.arm(link, state);
        link.close(CloseReason.PingTimeout, `no reply within ${this.opts.timeoutMs} ms`);
      }, this.opts.timeoutMs);
      link.send({ type: MessageType.Ping, reply: false, token });
    }, this.opts.intervalMs);
  }
}
