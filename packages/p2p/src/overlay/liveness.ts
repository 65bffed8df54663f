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
  /** Token of the last PING sent: a late reply to it is no stranger's. */
  lastToken: number | undefined;
  /** Clock time the neighbour was last heard from (any frame but a stray PING reply), or it joined. */
  heardAt: number;
  /** Clock time the outstanding PING was sent. */
  pingedAt: number;
}

/**
 * PING keeps links honest: a neighbour not heard from for `intervalMs` (no frame of any kind since
 * it joined, its last reply, or its last message) is pinged; one still silent `timeoutMs` after the
 * PING is closed (and the owner replaces it). A link carrying traffic needs no PING, so failure
 * detection can be quick without costing a busy network control traffic: what it costs is a PING
 * and its reply per quiet link per `intervalMs`. PING requests are answered at once.
 */
export class Liveness {
  private readonly links = new Map<Link, LinkState>();

  constructor(private readonly opts: LivenessOptions) {}

  track(link: Link): void {
    if (this.links.has(link)) return;
    const now = this.opts.clock.now();
    const state: LinkState = { timer: undefined, outstanding: undefined, lastToken: undefined, heardAt: now, pingedAt: 0 };
    this.links.set(link, state);
    this.arm(link, state, this.opts.intervalMs);
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

  /** `link` sent something (other than a PING reply, which onPing judges): it is alive. */
  heard(link: Link): void {
    const state = this.links.get(link);
    if (state) state.heardAt = this.opts.clock.now();
  }

  onPing(link: Link, msg: Ping): void {
    if (!msg.reply) {
      this.heard(link);
      link.send({ type: MessageType.Ping, reply: true, token: msg.token });
      return;
    }
    const state = this.links.get(link);
    if (state && state.outstanding === undefined && state.lastToken === msg.token) {
      // The PING was answered by other traffic first; its reply is late, not a stranger's.
      state.heardAt = this.opts.clock.now();
      return;
    }
    if (!state || state.outstanding !== msg.token) {
      const msg = 'PING reply with no matching request ignored';
      this.opts.counters.drops.drop('ping-reply-unexpected', { peer: link.key }, msg);
      return;
    }
    state.heardAt = this.opts.clock.now();
    this.opts.clock.clearTimeout(state.timer);
    state.outstanding = undefined;
    this.arm(link, state, this.opts.intervalMs);
  }

  private arm(link: Link, state: LinkState, delayMs: number): void {
    state.timer = this.opts.clock.setTimeout(() => this.check(link, state), delayMs);
  }

  /** The timer of `link` fired: PING it if it has been quiet, or judge the PING sent. */
  private check(link: Link, state: LinkState): void {
    if (this.links.get(link) !== state) return;
    const { clock, intervalMs, timeoutMs } = this.opts;
    const now = clock.now();
    if (state.outstanding !== undefined) {
      if (state.heardAt >= state.pingedAt) {
        // Heard since the PING (the reply queued behind other frames, or they were the answer).
        state.outstanding = undefined;
      } else if (link.readPaused) {
        // We stopped reading this link ourselves (backlog full): its reply may be waiting unread.
        state.outstanding = undefined;
        return this.arm(link, state, intervalMs);
      } else {
        link.close(CloseReason.PingTimeout, `nothing heard within ${timeoutMs} ms of a PING`);
        return;
      }
    }
    const quiet = now - state.heardAt;
    if (quiet < intervalMs) return this.arm(link, state, intervalMs - quiet);
    const token = randomU32(this.opts.random);
    state.outstanding = token;
    state.lastToken = token;
    state.pingedAt = now;
    this.arm(link, state, timeoutMs);
    link.send({ type: MessageType.Ping, reply: false, token });
  }
}
