/** What a platform can do to an order it already served. */
export const ORDER_UPDATE_KINDS = ['paid', 'cancelled', 'refunded', 'readdressed'] as const;
export type OrderUpdateKind = (typeof ORDER_UPDATE_KINDS)[number];

/** One order as a platform holds it: its payload in the platform's format, and its two times. */
export interface PlatformOrder<P> {
  externalId: string;
  /** The generator's order number: the same seq always gives the same basket. */
  seq: number;
  /** Whole seconds, as platforms keep them. */
  createdMs: number;
  modifiedMs: number;
  payload: P;
  /** Listed by the API at least once: only such orders get later updates, as in real life. */
  served: boolean;
}

/**
 * A platform's orders, kept sorted by (modified time, external id) so a modified-time window is
 * a binary search away, as a platform's index would be. Updating an order moves it to its new
 * place, which is exactly what makes naive offset paging miss orders (see the connectors).
 */
export class OrderStore<P> {
  private readonly byId = new Map<string, PlatformOrder<P>>();
  private readonly byModified: PlatformOrder<P>[] = [];

  get size(): number {
    return this.byId.size;
  }

  get(externalId: string): PlatformOrder<P> | undefined {
    return this.byId.get(externalId);
  }

  /** Stores a new order or the new version of a known one. */
  put(order: PlatformOrder<P>): void {
    const known = this.byId.get(order.externalId);
    if (known) this.byModified.splice(this.indexOf(known.modifiedMs, known.externalId), 1);
    this.byId.set(order.externalId, order);
    this.byModified.splice(this.insertionPoint(order.modifiedMs, order.externalId), 0, order);
  }

  /** Orders modified within `[fromMs, toMs]`, both ends included, oldest change first. */
  modifiedWithin(fromMs: number, toMs: number): PlatformOrder<P>[] {
    const start = this.insertionPoint(fromMs, '');
    const out: PlatformOrder<P>[] = [];
    for (let i = start; i < this.byModified.length && this.byModified[i]!.modifiedMs <= toMs; i++) out.push(this.byModified[i]!);
    return out;
  }

  /** Orders created within `[fromMs, toMs)`, in creation order. */
  createdWithin(fromMs: number, toMs: number): PlatformOrder<P>[] {
    return [...this.byId.values()].filter((o) => o.createdMs >= fromMs && o.createdMs < toMs).sort((a, b) => a.createdMs - b.createdMs || compareIds(a.externalId, b.externalId));
  }

  /** A random order the API has served, or undefined when there is none yet. */
  randomServed(random: () => number): PlatformOrder<P> | undefined {
    // Nearly every order is served within a poll interval, so a few random draws suffice.
    for (let attempt = 0; attempt < 8 && this.byModified.length > 0; attempt++) {
      const candidate = this.byModified[Math.floor(random() * this.byModified.length)]!;
      if (candidate.served) return candidate;
    }
    return undefined;
  }

  /** Drops the oldest orders beyond `keep`, as a platform's API only reaches back so far. */
  trim(keep: number): void {
    for (const order of this.byId.values()) {
      if (this.byId.size <= keep) return;
      this.byId.delete(order.externalId);
      this.byModified.splice(this.indexOf(order.modifiedMs, order.externalId), 1);
    }
  }

  private indexOf(modifiedMs: number, externalId: string): number {
    const i = this.insertionPoint(modifiedMs, externalId);
    if (this.byModified[i]?.externalId !== externalId) throw new Error(`order store: ${externalId} is not where its modified time says`);
    return i;
  }

  /** First index whose (modified, id) is not below the given one. */
  private insertionPoint(modifiedMs: number, externalId: string): number {
    let lo = 0;
    let hi = this.byModified.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const o = this.byModified[mid]!;
      if (o.modifiedMs < modifiedMs || (o.modifiedMs === modifiedMs && compareIds(o.externalId, externalId) < 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Ids of one platform have one length mostly; shorter first keeps numeric ids in numeric order. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
