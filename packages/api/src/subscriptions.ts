/**
 * Registry of data type -> subscribed connections, and the reverse, so that a
 * closed connection's subscriptions vanish in one call. Both maps hold only
 * non-empty sets: their sizes are bounded by connections x the per-connection
 * subscription limit, which the caller enforces with `countFor`.
 */
export class Subscriptions<C> {
  private readonly byType = new Map<number, Set<C>>();
  private readonly byConn = new Map<C, Set<number>>();
  private pairs = 0;

  /** Subscribe `conn` to `dataType`; false if it already was. */
  add(dataType: number, conn: C): boolean {
    let types = this.byConn.get(conn);
    if (types?.has(dataType)) return false;
    if (!types) {
      types = new Set();
      this.byConn.set(conn, types);
    }
    types.add(dataType);
    let conns = this.byType.get(dataType);
    if (!conns) {
      conns = new Set();
      this.byType.set(dataType, conns);
    }
    conns.add(conn);
    this.pairs++;
    return true;
  }

  /** True when `conn` is subscribed to `dataType`. */
  has(dataType: number, conn: C): boolean {
    return this.byConn.get(conn)?.has(dataType) ?? false;
  }

  /** Number of data types `conn` is subscribed to. */
  countFor(conn: C): number {
    return this.byConn.get(conn)?.size ?? 0;
  }

  /** Drop every subscription of `conn`. */
  removeAll(conn: C): void {
    const types = this.byConn.get(conn);
    if (!types) return;
    this.byConn.delete(conn);
    for (const t of types) {
      const conns = this.byType.get(t);
      if (!conns) continue;
      conns.delete(conn);
      if (conns.size === 0) this.byType.delete(t);
    }
    this.pairs -= types.size;
  }

  /** Connections subscribed to `dataType`, as a snapshot safe to iterate while subscriptions change. */
  subscribers(dataType: number): C[] {
    const conns = this.byType.get(dataType);
    return conns ? [...conns] : [];
  }

  /**
   * The live set of connections subscribed to `dataType` (undefined: none). Not a copy: iterate it
   * only where nothing subscribes during the iteration (removal while iterating is safe).
   */
  subscribersOf(dataType: number): ReadonlySet<C> | undefined {
    return this.byType.get(dataType);
  }

  /** True when at least one connection is subscribed to `dataType`. */
  hasSubscribers(dataType: number): boolean {
    return this.byType.has(dataType);
  }

  /** The data types `conn` is subscribed to, in ascending order (a copy). */
  typesOf(conn: C): number[] {
    return [...(this.byConn.get(conn) ?? [])].sort((a, b) => a - b);
  }

  /** Number of (data type, connection) pairs. */
  get size(): number {
    return this.pairs;
  }

  /** Number of data types with at least one subscriber. */
  get typeCount(): number {
    return this.byType.size;
  }
}
