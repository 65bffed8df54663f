/** What the eviction policy reads of a link. */
export interface EvictionCandidate {
  readonly since: number;
  readonly group: string;
  /** Items first received on this link and accepted. */
  readonly firstItems: number;
}

/**
 * The link a full view gives up for a newcomer from `newcomerGroup`, or undefined when every link is
 * protected. After the ideas of Bitcoin Core's inbound eviction: first protect the links that keep
 * the node well connected, each a quarter of the view at most, so no single property can be gamed
 * into protecting an attacker's links:
 * - the quarter that delivered the most items first (`firstItems` > 0);
 * - one link of each of a quarter's worth of distinct groups, the longest-lived of each;
 * - half of the rest, the longest-lived.
 * Of the links left, the youngest of the group holding the most links goes (ties: the group of the
 * newcomer first, then the youngest link): crowded groups pay first, and an attacker who got in
 * recently is out before an honest peer that has been there for hours.
 */
export function pickVictim<T extends EvictionCandidate>(links: readonly T[], newcomerGroup: string): T | undefined {
  let rest = links.slice();
  const quarter = Math.floor(links.length / 4);
  // Useful: delivered items first.
  const useful = rest.filter((l) => l.firstItems > 0).sort((a, b) => b.firstItems - a.firstItems || a.since - b.since);
  rest = without(rest, useful.slice(0, quarter));
  // Diverse: the oldest link of each group, oldest groups first.
  const byAge = rest.slice().sort((a, b) => a.since - b.since);
  const diverse: T[] = [];
  const groups = new Set<string>();
  for (const l of byAge) {
    if (diverse.length >= quarter) break;
    if (groups.has(l.group)) continue;
    groups.add(l.group);
    diverse.push(l);
  }
  rest = without(rest, diverse);
  // Long-lived: half of what is left.
  const old = rest.slice().sort((a, b) => a.since - b.since).slice(0, Math.floor(rest.length / 2));
  rest = without(rest, old);
  if (rest.length === 0) return undefined;
  const count = new Map<string, number>();
  for (const l of links) count.set(l.group, (count.get(l.group) ?? 0) + 1);
  let victim: T | undefined;
  for (const l of rest) {
    if (!victim) {
      victim = l;
      continue;
    }
    const cl = count.get(l.group)!;
    const cv = count.get(victim.group)!;
    if (cl !== cv) {
      if (cl > cv) victim = l;
      continue;
    }
    const nl = l.group === newcomerGroup;
    const nv = victim.group === newcomerGroup;
    if (nl !== nv) {
      if (nl) victim = l;
      continue;
    }
    if (l.since > victim.since) victim = l;
  }
  return victim;
}

function without<T>(items: readonly T[], gone: readonly T[]): T[] {
  const g = new Set(gone);
  return items.filter((x) => !g.has(x));
}
