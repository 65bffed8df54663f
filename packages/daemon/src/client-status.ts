/** `gossip5-client status` and `peers`: read a daemon's GET /status (its metrics_address). */

/** The metrics_address suggested in the bundled peer.ini, used when --status is not given. */
export const DEFAULT_STATUS = '127.0.0.1:18001';

export interface Status {
  neighbours: Array<{ address: string; direction: string; since: string; items_in: number; items_out: number; identity?: string | null }>;
  known_peers: number;
  /** The node's identity (SHA-256 of its hostkey, hex), null on plaintext links. */
  identity?: string | null;
  counters: {
    modules: number;
    p2p: Record<string, unknown> & { drops: Record<string, number> };
    api: Record<string, unknown>;
  };
  config: { p2pAddress?: { text?: string }; apiAddress?: { text?: string } };
}

/** Fetch /status from `hostPort`; throws an Error with one line on failure. */
export async function fetchStatus(hostPort: string): Promise<Status> {
  let res: Response;
  try {
    res = await fetch(`http://${hostPort}/status`);
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    throw new Error(`cannot reach the status port ${hostPort}: ${cause?.code ?? (err as Error).message} (is metrics_address set?)`);
  }
  if (res.status !== 200) throw new Error(`status port ${hostPort} answered HTTP ${res.status}`);
  return (await res.json()) as Status;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** An identity as printed in tables: its first 16 hex digits (enough to tell peers apart), or `-` for plaintext. */
export function shortIdentity(identity: string | null | undefined): string {
  return identity ? `${identity.slice(0, 16)}…` : '-';
}

/** The neighbours, one per line; an identity column when any link is authenticated. */
export function formatPeers(s: Status): string {
  if (s.neighbours.length === 0) return 'no neighbours';
  const withIds = s.neighbours.some((n) => n.identity);
  const row = (cells: string[], id: string) => (withIds ? [...cells, id] : cells);
  return table([
    row(['address', 'direction', 'since', 'items in', 'items out'], 'identity'),
    ...s.neighbours.map((n) => row([n.address, n.direction, n.since, String(n.items_in), String(n.items_out)], shortIdentity(n.identity))),
  ]);
}

/** A short overview: addresses, neighbours, modules and the main item counters. */
export function formatStatus(s: Status): string {
  const p = s.counters.p2p;
  const num = (v: unknown) => String(typeof v === 'number' ? v : 0);
  const drops = Object.entries(p.drops).filter(([, v]) => v > 0);
  const rows = [
    ['p2p', s.config.p2pAddress?.text ?? '?'],
    ['api', s.config.apiAddress?.text ?? '?'],
    ['identity', s.identity ?? 'none (plaintext links)'],
    ['neighbours', String(s.neighbours.length)],
    ['known peers', String(s.known_peers)],
    ['modules', String(s.counters.modules)],
    ['items originated', num(p.itemsOriginated)],
    ['items received', num(p.itemsReceived)],
    ['duplicates', num(p.itemsDuplicate)],
    ['forwarded', num(p.itemsForwarded)],
    ['stopped invalid', num(p.itemsStoppedInvalid)],
    ['pending validations', num(p.pendingValidations)],
    ['drops', drops.length === 0 ? 'none' : drops.map(([k, v]) => `${k}=${v}`).join(' ')],
  ];
  return table(rows);
}
