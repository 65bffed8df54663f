/**
 * The IPv4 address of simulated node `i`: `10.x.y.1`, so every node has its own /24 (the engine
 * treats addresses, not ports, as identities where it matters). Past 65 536 nodes the first octet
 * moves on (11.x.y.1, ...).
 */
export function hostOf(i: number): string {
  return `${10 + (i >>> 16)}.${(i >>> 8) & 255}.${i & 255}.1`;
}

/** Inverse of hostOf; -1 for anything else. */
export function indexOfHost(host: string): number {
  const parts = host.split('.');
  if (parts.length !== 4 || parts[3] !== '1') return -1;
  const [a, b, c] = parts.map(Number) as [number, number, number];
  if (!(a >= 10 && b >= 0 && b < 256 && c >= 0 && c < 256)) return -1;
  return ((a - 10) << 16) | (b << 8) | c;
}
