import { ErrorCode, ProtocolError } from './errors.js';
import type { PeerAddress } from './types.js';

/**
 * Encoded size of a PeerAddress: family + port + 4 or 16 address bytes.
 * Throws ProtocolError (GOSSIP_ERR_OUT_OF_RANGE) when `address` is not an object.
 */
export function peerAddressSize(address: PeerAddress, messageType?: number): number {
  if (typeof address !== 'object' || address === null) {
    throw new ProtocolError(ErrorCode.OutOfRange, `must be a PeerAddress, got ${String(address)}`, {
      messageType,
      field: 'address',
    });
  }
  return address.family === 4 ? 7 : 19;
}

/** Parse an IPv4 literal into 4 bytes, or return undefined. */
export function parseIPv4(host: string): Uint8Array | undefined {
  const parts = host.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

/** Parse an IPv6 literal (no brackets, no zone) into 16 bytes, or return undefined. */
export function parseIPv6(host: string): Uint8Array | undefined {
  if (host.length === 0 || host.length > 45) return undefined;
  let text = host;
  let tail: Uint8Array | undefined;
  // An embedded IPv4 address in the last 32 bits (::ffff:1.2.3.4).
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.indexOf('.', lastColon) > lastColon) {
    tail = parseIPv4(text.slice(lastColon + 1));
    if (!tail) return undefined;
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const groups = s.split(':');
    const out: number[] = [];
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(halves[0]!);
  const rest = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (!head || !rest) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - rest.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<number>(missing).fill(0), ...rest];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return undefined;
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = groups[i]! >>> 8;
    out[2 * i + 1] = groups[i]! & 0xff;
  }
  if (tail) out.set(tail, 12);
  return out;
}

/**
 * Canonical text of 4 or 16 address bytes. IPv6 follows RFC 5952: lower case,
 * no leading zeros, the longest run of two or more zero groups (the first on
 * ties) as `::`, and IPv4-mapped addresses in mixed notation
 * (`::ffff:192.0.2.1`, as Node reports them in `socket.remoteAddress`).
 */
export function formatIP(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  if (bytes.length !== 16) {
    throw new ProtocolError(ErrorCode.BadAddress, `an IP address has 4 or 16 bytes, not ${bytes.length}`);
  }
  if (isIPv4Mapped(bytes)) return `::ffff:${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  // Longest run of at least two zero groups, first one on ties.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/** True for ::ffff:0:0/96, the IPv4-mapped prefix (RFC 4291 section 2.5.5.2). */
function isIPv4Mapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

function checkPort(port: number, text: string): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ProtocolError(ErrorCode.BadAddress, `port out of range 0-65535 in ${JSON.stringify(text)}`, {
      field: 'port',
    });
  }
}

/**
 * Build a PeerAddress from an IP literal and a port. The host is canonicalised
 * (`0:0::1` becomes `::1`), so two addresses are equal when their keys are.
 */
export function makePeerAddress(host: string, port: number): PeerAddress {
  checkPort(port, `${host}:${port}`);
  const v4 = parseIPv4(host);
  if (v4) return { family: 4, host: formatIP(v4), port };
  const v6 = parseIPv6(host);
  if (v6) return { family: 6, host: formatIP(v6), port };
  throw new ProtocolError(ErrorCode.BadAddress, `not an IPv4 or IPv6 literal: ${JSON.stringify(host)}`, {
    field: 'host',
  });
}

/**
 * Parse `host:port` or `[v6]:port` where host is an IP literal. Names are not
 * resolved here (that needs DNS); see `splitHostPort` for that case.
 */
export function parsePeerAddress(text: string): PeerAddress {
  const { host, port } = splitHostPort(text);
  const address = makePeerAddress(host, port);
  if (address.family === 4 && text.startsWith('[')) {
    throw new ProtocolError(ErrorCode.BadAddress, `brackets are for IPv6 only, got ${JSON.stringify(text)}`);
  }
  return address;
}

/** Split `host:port` or `[v6]:port` into its parts without interpreting the host. */
export function splitHostPort(text: string): { host: string; port: number } {
  let host: string;
  let portText: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':') {
      throw new ProtocolError(ErrorCode.BadAddress, `expected [v6]:port, got ${JSON.stringify(text)}`);
    }
    host = text.slice(1, close);
    portText = text.slice(close + 2);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon <= 0 || text.indexOf(':') !== colon) {
      throw new ProtocolError(
        ErrorCode.BadAddress,
        `expected host:port or [v6]:port, got ${JSON.stringify(text)}`,
      );
    }
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
  }
  if (!/^[0-9]{1,5}$/.test(portText)) {
    throw new ProtocolError(ErrorCode.BadAddress, `port is not a number in ${JSON.stringify(text)}`, {
      field: 'port',
    });
  }
  const port = Number(portText);
  checkPort(port, text);
  if (host.length === 0) throw new ProtocolError(ErrorCode.BadAddress, `empty host in ${JSON.stringify(text)}`);
  return { host, port };
}

/** `127.0.0.1:6001` or `[::1]:6001`. Also a good Map key: equal addresses give equal strings. */
export function formatPeerAddress(address: PeerAddress): string {
  return address.family === 6 ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

export function peerAddressEquals(a: PeerAddress, b: PeerAddress): boolean {
  return a.family === b.family && a.port === b.port && a.host === b.host;
}

/** Write a PeerAddress at `offset`; returns the offset after it. */
export function writePeerAddress(
  out: Uint8Array,
  offset: number,
  address: PeerAddress,
  messageType?: number,
): number {
  const { family, port } = address;
  if (family !== 4 && family !== 6) {
    throw new ProtocolError(ErrorCode.BadAddressFamily, `family must be 4 or 6, got ${String(family)}`, {
      messageType,
      field: 'address.family',
    });
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ProtocolError(ErrorCode.OutOfRange, `port ${String(port)} is not a u16`, {
      messageType,
      field: 'address.port',
    });
  }
  const bytes = family === 4 ? parseIPv4(address.host) : parseIPv6(address.host);
  if (!bytes) {
    throw new ProtocolError(
      ErrorCode.BadAddress,
      `host ${JSON.stringify(address.host)} is not an IPv${family} literal`,
      { messageType, field: 'address.host' },
    );
  }
  out[offset] = family;
  out[offset + 1] = port >>> 8;
  out[offset + 2] = port & 0xff;
  out.set(bytes, offset + 3);
  return offset + 3 + bytes.length;
}

/**
 * Read a PeerAddress at `offset`, never past `end`. Returns the address and
 * the offset after it.
 */
export function readPeerAddress(
  bytes: Uint8Array,
  offset: number,
  end: number,
  messageType?: number,
): { address: PeerAddress; next: number } {
  if (offset + 1 > end) {
    throw new ProtocolError(ErrorCode.BadLength, 'body ends before the PeerAddress', {
      messageType,
      field: 'address',
    });
  }
  const family = bytes[offset]!;
  if (family !== 4 && family !== 6) {
    throw new ProtocolError(ErrorCode.BadAddressFamily, `family must be 4 or 6, got ${family}`, {
      messageType,
      field: 'address.family',
    });
  }
  const len = family === 4 ? 4 : 16;
  const next = offset + 3 + len;
  if (next > end) {
    throw new ProtocolError(ErrorCode.BadLength, `IPv${family} PeerAddress needs ${3 + len} bytes`, {
      messageType,
      field: 'address',
    });
  }
  const port = (bytes[offset + 1]! << 8) | bytes[offset + 2]!;
  const host = formatIP(bytes.subarray(offset + 3, next));
  return { address: { family, host, port }, next };
}
