import { describe, expect, it } from 'vitest';
import { CHANNEL_SHARES, MixedOrders, type FeedItem } from './mixed-orders.ts';

function feed(seed: number, count: number): FeedItem[] {
  const mixed = new MixedOrders(seed);
  const items = Array.from({ length: count }, () => mixed.next());
  return [...items, ...mixed.rest()];
}

describe('the mixed feed', () => {
  const items = feed(7, 20_000);
  const news = items.filter((i) => !i.update);
  const updates = items.filter((i) => i.update);

  it('is the same for the same seed, byte for byte', () => {
    expect(feed(7, 2_000)).toEqual(feed(7, 2_000));
    expect(feed(7, 20_000).slice(0, 500)).toEqual(items.slice(0, 500));
    expect(feed(8, 500).map((i) => i.payload)).not.toEqual(feed(7, 500).map((i) => i.payload));
  });

  it('spreads new orders over the channels in their shares', () => {
    for (const [channel, share] of Object.entries(CHANNEL_SHARES)) {
      const got = news.filter((i) => i.channel === channel).length / news.length;
      expect(Math.abs(got - share), channel).toBeLessThan(0.02);
    }
    expect(new Set(news.map((i) => i.orderId)).size).toBe(news.length);
  });

  it('sends each update after its own order, once, and every kind of update', () => {
    const position = new Map(items.map((item, index) => [item.update ? `${item.orderId}#${item.update}` : item.orderId, index]));
    for (const u of updates) expect(position.get(u.orderId), u.orderId).toBeLessThan(position.get(`${u.orderId}#${u.update}`)!);
    expect(new Set(updates.map((u) => u.orderId)).size).toBe(updates.length);
    const kinds = new Map<string, number>();
    for (const u of updates) kinds.set(u.update!, (kinds.get(u.update!) ?? 0) + 1);
    expect([...kinds.keys()].sort()).toEqual(['cancelled', 'paid', 'readdressed', 'refunded']);
    // A fifth of the baskets arrive unpaid, most of them paid later.
    expect(kinds.get('paid')! / news.length).toBeGreaterThan(0.1);
  });

  it('flushes the updates not yet due when the feed ends', () => {
    const mixed = new MixedOrders(3);
    const head = Array.from({ length: 1_000 }, () => mixed.next());
    const rest = mixed.rest();
    expect(rest.length).toBeGreaterThan(0);
    expect(rest.every((i) => i.update)).toBe(true);
    const ids = new Set(head.filter((i) => !i.update).map((i) => i.orderId));
    expect(rest.every((i) => ids.has(i.orderId))).toBe(true);
    expect(mixed.rest()).toEqual([]);
  });
});
