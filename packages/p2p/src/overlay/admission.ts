import { formatPeerAddress, type PeerAddress } from '@gossip5/protocol';
import type { P2PConfig } from '../config.js';
import type { Counters } from '../counters.js';
import { NetGroups, plainIp } from '../net-group.js';
import { randomU32 } from '../random.js';
import { CloseReason } from '../transport/close-reason.js';
import type { Link } from '../transport/link.js';
import type { Clock, RandomBytes } from '../types.js';
import { pickVictim } from './eviction.js';
import type { View } from './view.js';

/** Evictions are counted over this window (`maxEvictionsPerMinute`). */
const EVICTION_WINDOW_MS = 60_000;
/** Network groups whose recent evictions are remembered; past it the longest-known group is forgotten. */
export const EVICTION_GROUPS_LIMIT = 4096;

export interface AdmissionOptions {
  config: P2PConfig;
  clock: Clock;
  random: RandomBytes;
  counters: Counters;
  view: View<Link>;
}

/** What a full view does for a newcomer that has done its work. */
export type FullViewDecision = { evict: Link } | { refuse: CloseReason };

/**
 * Admission policy: who may link, and whom a full view gives up for a newcomer. It decides; the
 * connection manager (Membership) acts. See docs/threat-model.md.
 *
 * - A source is the network group of the connection (NetGroups), never the address a peer claims:
 *   the HELLO address must have the connection's IP (`verifyPeerAddress`), and a group holds at
 *   most `maxLinksPerGroup` links and `maxHandshakesPerGroup` handshakes in progress.
 * - Whether a full view makes room is decided once the dialer's work is done, never at HELLO: a
 *   bootstrapper always does (a joining node has nowhere else to go), any other node with chance
 *   `fullViewAdmitChance` (so groups of full nodes cannot stay cut off), at most
 *   `maxEvictionsPerMinute` for newcomers of one group; the link given up is never a protected one (pickVictim).
 */
export class Admission {
  readonly groups: NetGroups;
  private selfKey = '';
  private bootstrapper = false;
  /**
   * Per newcomer group, clock times of the evictions made for it in the last minute, oldest first (at
   * most maxEvictionsPerMinute each). Per group, not per node: a global budget let a burst of honest
   * joins (or a flood from other groups) spend it, and a full bootstrapper then refused every joiner
   * (the simulator: 189 of 1 000 nodes ever got a neighbour).
   */
  private readonly evictions = new Map<string, number[]>();

  constructor(private readonly opts: AdmissionOptions) {
    this.groups = new NetGroups(opts.config.exemptNetworks);
  }

  start(selfKey: string, isBootstrapper: boolean): void {
    this.selfKey = selfKey;
    this.bootstrapper = isBootstrapper;
  }

  /** Name the group of `link` (for a dial: the address dialled; inbound: the connection's IP). */
  classify(link: Link, ip: string, port: number): void {
    const g = this.groups.of(ip, port);
    link.group = g.key;
    link.groupLimited = g.limited;
  }

  /** A connection was accepted: the reason to refuse it at once, given the `pending` handshakes. */
  atAccept(link: Link, pending: Iterable<Link>): CloseReason | undefined {
    if (!link.groupLimited) return undefined;
    let n = 0;
    for (const other of pending) if (other !== link && other.group === link.group) n++;
    if (n < this.opts.config.maxHandshakesPerGroup) return undefined;
    this.refused('group-handshakes-full', link, `${n} handshakes from ${link.group} in progress`);
    return CloseReason.GroupFull;
  }

  /**
   * HELLO claims `address` on `link`: the reason to refuse, or undefined to go on. `linksOf(group)`
   * counts the links to a group: established, dialling, and inbound past HELLO.
   */
  atHello(link: Link, address: PeerAddress, linksOf: (group: string) => number): CloseReason | undefined {
    const key = formatPeerAddress(address);
    if (key === this.selfKey) return CloseReason.SelfLink;
    const { config, view } = this.opts;
    if (config.verifyPeerAddress && plainIp(address.host) !== link.remoteIp) {
      this.refused('address-not-source', link, `HELLO claims ${key} from ${link.remoteIp}`);
      return CloseReason.AddressNotSource;
    }
    if (view.has(key)) return CloseReason.DuplicateLink;
    // The group of the source, with the claimed port telling exempt addresses apart.
    this.classify(link, link.remoteIp, address.port);
    return this.groupRoom(link, linksOf);
  }

  /** The reason `link` may not join its group's links now, or undefined. */
  groupRoom(link: Link, linksOf: (group: string) => number): CloseReason | undefined {
    if (!link.groupLimited) return undefined;
    const n = linksOf(link.group);
    if (n < this.opts.config.maxLinksPerGroup) return undefined;
    this.refused('group-links-full', link, `${n} links to ${link.group}`);
    return CloseReason.GroupFull;
  }

  /** Whether a dial to `ip:port` fits its group's limit, given `linksOf`. */
  mayDial(ip: string, port: number, linksOf: (group: string) => number): boolean {
    const g = this.groups.of(ip, port);
    return !g.limited || linksOf(g.key) < this.opts.config.maxLinksPerGroup;
  }

  /**
   * The view is full and `newcomer` has done its work (or is our own shuffle dial, `chosen`):
   * whom to evict, or why not.
   */
  whenFull(newcomer: Link, chosen = false): FullViewDecision {
    if (!chosen && !this.admitsWhenFull()) return { refuse: CloseReason.ViewFull };
    const now = this.opts.clock.now();
    const recent = this.recentEvictions(newcomer.group, now);
    if (recent.length >= this.opts.config.maxEvictionsPerMinute) {
      this.refused('eviction-budget-spent', newcomer, `${recent.length} evictions for its group in the last minute`);
      return { refuse: CloseReason.ViewFull };
    }
    const victim = pickVictim(this.opts.view.list(), newcomer.group);
    if (!victim) {
      this.refused('eviction-all-protected', newcomer, 'every link is protected');
      return { refuse: CloseReason.ViewFull };
    }
    recent.push(now);
    return { evict: victim };
  }

  /**
   * The evictions made for `group` within the window (a live array: push to record one). The map is
   * kept in the order of each group's last lookup (a lookup moves its group to the end), so the
   * groups at its front are the ones longest without a newcomer: a full map forgets from the front
   * what the window has expired, then the oldest, in steps proportional to what it forgets. (It
   * scanned all 4 096 groups for every newcomer of a new group: 3 % of a simulated build, where the
   * bootstrapper sees a new group per joiner.)
   */
  private recentEvictions(group: string, now: number): number[] {
    const expired = now - EVICTION_WINDOW_MS;
    let times = this.evictions.get(group);
    if (times) {
      while (times.length > 0 && times[0]! <= expired) times.shift();
      this.evictions.delete(group);
      this.evictions.set(group, times);
      return times;
    }
    for (const [g, t] of this.evictions) {
      if (this.evictions.size < EVICTION_GROUPS_LIMIT && (t.length > 0 && t[t.length - 1]! > expired)) break;
      this.evictions.delete(g);
    }
    times = [];
    this.evictions.set(group, times);
    return times;
  }

  /**
   * Whether a full view makes room for one more newcomer: always on a bootstrapper, otherwise by
   * chance (`fullViewAdmitChance`).
   */
  private admitsWhenFull(): boolean {
    if (this.bootstrapper) return true;
    const chance = this.opts.config.fullViewAdmitChance;
    return chance > 0 && randomU32(this.opts.random) < chance * 2 ** 32;
  }

  private refused(reason: string, link: Link, detail: string): void {
    this.opts.counters.drops.drop(reason, { remote: link.remote, detail }, `connection refused: ${reason}`);
  }
}
