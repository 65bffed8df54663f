import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** Loopback, exempt from the per-group limits by default (local test networks stay unlimited). */
export const DEFAULT_EXEMPT_NETWORKS: readonly string[] = ['127.0.0.0/8', '::1/128'];

/** An IPv4-mapped IPv6 address (`::ffff:10.1.2.3`) as the IPv4 address it is; others unchanged. */
export function plainIp(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1]! : ip;
}

/** The eight 16-bit groups of an IPv6 literal (zone id ignored), or undefined if it is not one. */
function ipv6Words(ip: string): number[] | undefined {
  let text = ip.split('%')[0]!;
  if (!isIPv6(text)) return undefined;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const o = tail[1]!.split('.').map(Number);
    text = `${text.slice(0, -tail[1]!.length)}${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const a = head ? head.split(':') : [];
  const b = rest ? rest.split(':') : [];
  const fill = rest === undefined ? [] : new Array<string>(8 - a.length - b.length).fill('0');
  return [...a, ...fill, ...b].map((w) => parseInt(w, 16));
}

/** A valid IPv4 literal as its u32 value. */
function ipv4Word(ip: string): number {
  const o = ip.split('.');
  return ((Number(o[0]) << 24) | (Number(o[1]) << 16) | (Number(o[2]) << 8) | Number(o[3])) >>> 0;
}

/** Parse `a.b.c.d/n` or `v6/n` (a bare address is a single host). Throws on anything else. */
export function parseNetwork(text: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } {
  const [address = '', bits] = text.trim().split('/');
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
  if (!family) throw new Error(`${JSON.stringify(text)} is not an IP network (a.b.c.d/n or v6/n)`);
  const max = family === 'ipv4' ? 32 : 128;
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (!(prefix >= 0 && prefix <= max)) throw new Error(`${JSON.stringify(text)}: prefix must be 0..${max}`);
  return { address, prefix, family };
}

/**
 * Network groups, the unit of every per-source limit: IPv4 /24, IPv6 /48. An address in an exempt
 * network is a group of its own (per IP and port, so nodes sharing one loopback IP stay apart) and
 * `limited` is false for it.
 */
export class NetGroups {
  /** IPv6 exempt networks (BlockList allocates per check, so IPv4 ones are matched below instead). */
  private readonly exempt = new BlockList();
  /** IPv4 exempt networks as (network, mask) u32 pairs. */
  private readonly exempt4: { net: number; mask: number }[] = [];

  constructor(exemptNetworks: readonly string[]) {
    for (const text of exemptNetworks) {
      const n = parseNetwork(text);
      if (n.family === 'ipv4') {
        const mask = n.prefix === 0 ? 0 : (~0 << (32 - n.prefix)) >>> 0;
        this.exempt4.push({ net: (ipv4Word(n.address) & mask) >>> 0, mask });
      } else this.exempt.addSubnet(n.address, n.prefix, n.family);
    }
  }

  /** True when `ip` is in an exempt network. */
  isExempt(ip: string): boolean {
    const plain = plainIp(ip);
    if (isIPv4(plain)) {
      const w = ipv4Word(plain);
      for (const n of this.exempt4) if (((w & n.mask) >>> 0) === n.net) return true;
      return false;
    }
    if (isIPv6(plain)) return this.exempt.check(plain, 'ipv6');
    return false;
  }

  /**
   * The group of `ip` (`port` only tells exempt addresses apart). Anything that is not an IP
   * literal is its own group, unlimited (it cannot come from the network).
   */
  of(ip: string | undefined, port?: number): { key: string; limited: boolean } {
    const plain = plainIp(ip ?? '');
    if (this.isExempt(plain)) return { key: `exempt ${plain} ${port ?? ''}`, limited: false };
    if (isIPv4(plain)) return { key: `${plain.slice(0, plain.lastIndexOf('.'))}.0/24`, limited: true };
    const w = ipv6Words(plain);
    if (w) return { key: `${w.slice(0, 3).map((x) => x.toString(16)).join(':')}::/48`, limited: true };
    return { key: `other ${plain} ${port ?? ''}`, limited: false };
  }
}
