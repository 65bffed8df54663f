/**
 * The counters a daemon logs in its last line (`gossip daemon stopped`, on
 * SIGTERM), read defensively: a field that is missing reads as 0.
 */

export interface P2PFinalStats {
  itemsOriginated: number;
  itemsReceived: number;
  itemsDuplicate: number;
  itemsForwarded: number;
  itemsStoppedInvalid: number;
  itemsStoppedUnsubscribed: number;
  itemsTtlExpired: number;
  seenIds: number;
  knowledgeBase: number;
  linksDown: number;
  linksDownByReason: Record<string, number>;
  handshakesOk: number;
  messagesSent: Record<string, number>;
  messagesReceived: Record<string, number>;
  /** p2p drops by reason, and api drops prefixed `api:`. */
  drops: Record<string, number>;
  /** True when the daemon logged its final stats at all. */
  present: boolean;
}

function rec(x: unknown): Record<string, unknown> {
  return typeof x === 'object' && x !== null ? (x as Record<string, unknown>) : {};
}

function num(x: unknown): number {
  return typeof x === 'number' && Number.isFinite(x) ? x : 0;
}

function counts(x: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(rec(x))) if (num(v) > 0) out[k] = num(v);
  return out;
}

export function p2pStats(finalStats: Record<string, unknown> | undefined): P2PFinalStats {
  const p2p = rec(finalStats?.['p2p']);
  const api = rec(finalStats?.['api']);
  const drops = counts(p2p['drops']);
  for (const [k, v] of Object.entries(counts(api['drops']))) drops[`api:${k}`] = v;
  return {
    itemsOriginated: num(p2p['itemsOriginated']),
    itemsReceived: num(p2p['itemsReceived']),
    itemsDuplicate: num(p2p['itemsDuplicate']),
    itemsForwarded: num(p2p['itemsForwarded']),
    itemsStoppedInvalid: num(p2p['itemsStoppedInvalid']),
    itemsStoppedUnsubscribed: num(p2p['itemsStoppedUnsubscribed']),
    itemsTtlExpired: num(p2p['itemsTtlExpired']),
    seenIds: num(p2p['seenIds']),
    knowledgeBase: num(p2p['knowledgeBase']),
    linksDown: num(p2p['linksDown']),
    linksDownByReason: counts(p2p['linksDownByReason']),
    handshakesOk: num(p2p['handshakesOk']),
    messagesSent: counts(p2p['messagesSent']),
    messagesReceived: counts(p2p['messagesReceived']),
    drops,
    present: finalStats !== undefined,
  };
}

/** Sum the same counters over several nodes. */
export function addStats(all: P2PFinalStats[]): P2PFinalStats {
  const out = p2pStats(undefined);
  out.present = all.every((s) => s.present);
  const addRec = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  };
  for (const s of all) {
    out.itemsOriginated += s.itemsOriginated;
    out.itemsReceived += s.itemsReceived;
    out.itemsDuplicate += s.itemsDuplicate;
    out.itemsForwarded += s.itemsForwarded;
    out.itemsStoppedInvalid += s.itemsStoppedInvalid;
    out.itemsStoppedUnsubscribed += s.itemsStoppedUnsubscribed;
    out.itemsTtlExpired += s.itemsTtlExpired;
    out.seenIds += s.seenIds;
    out.knowledgeBase += s.knowledgeBase;
    out.linksDown += s.linksDown;
    out.handshakesOk += s.handshakesOk;
    addRec(out.linksDownByReason, s.linksDownByReason);
    addRec(out.messagesSent, s.messagesSent);
    addRec(out.messagesReceived, s.messagesReceived);
    addRec(out.drops, s.drops);
  }
  return out;
}
