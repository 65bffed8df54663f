/** Where a pin came from: this node's own TLS dial, or a hint in an authenticated neighbour's 515/516. */
export type PinSource = 'verified' | 'hint';

interface Pin {
  id: Uint8Array;
  source: PinSource;
}

export interface IdentityPinsOptions {
  /** Most addresses pinned; the oldest pin is forgotten first. */
  limit: number;
  /** A pin was forgotten to make room (counted by the owner). */
  onEvict?: (key: string) => void;
}

/**
 * The identity expected behind each address (formatted PeerAddress -> 32 bytes), bounded.
 * A verified pin is never replaced by a hint; a hint never replaces another pin.
 */
export class IdentityPins {
  private readonly pins = new Map<string, Pin>();

  constructor(private readonly opts: IdentityPinsOptions) {}

  get size(): number {
    return this.pins.size;
  }

  get(key: string): Uint8Array | undefined {
    return this.pins.get(key)?.id;
  }

  sourceOf(key: string): PinSource | undefined {
    return this.pins.get(key)?.source;
  }

  /** This node reached `key` and the peer proved `id`. */
  verified(key: string, id: Uint8Array): void {
    this.set(key, { id: id.slice(), source: 'verified' });
  }

  /** A neighbour says `key` is `id`: kept only when nothing is pinned for `key`. Returns whether it was kept. */
  hint(key: string, id: Uint8Array): boolean {
    if (this.opts.limit <= 0 || this.pins.has(key) || isUnknown(id)) return false;
    this.set(key, { id: id.slice(), source: 'hint' });
    return true;
  }

  private set(key: string, pin: Pin): void {
    if (this.opts.limit <= 0) return;
    this.pins.delete(key);
    this.pins.set(key, pin);
    while (this.pins.size > this.opts.limit) {
      const oldest = this.pins.keys().next().value as string;
      this.pins.delete(oldest);
      this.opts.onEvict?.(oldest);
    }
  }
}

/** 32 zero bytes: "identity unknown" in 515/516. */
export function isUnknown(id: Uint8Array): boolean {
  for (const b of id) if (b !== 0) return false;
  return true;
}

export function sameIdentity(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
