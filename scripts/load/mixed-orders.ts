import { orderIdOf, type Channel } from '../../streams/canonical-order.ts';
import type { BenchOrder } from '../bench/bench-orders.ts';
import { mulberry32 } from '../seeded-random.ts';
import type { OrderUpdateKind, PlatformOrder } from '../simulators/platforms/order-store.ts';
import type { PlatformDefinition } from '../simulators/platforms/platform-simulator.ts';
import { PLATFORMS } from '../simulators/platforms/start-platform-simulators.ts';
import { basketOf } from '../simulators/platforms/demo-basket.ts';

/** One message of a mixed feed: a new order, or a later update of one (`update` says which). */
export interface FeedItem extends BenchOrder {
  update?: OrderUpdateKind;
}

/** A marketplace seller's day: most orders through Tmall, JD, Douyin and Pinduoduo. */
export const CHANNEL_SHARES: Readonly<Record<Channel, number>> = { tmall: 0.35, jd: 0.2, douyin: 0.2, pdd: 0.15, shop: 0.07, pos: 0.03 };
/** Of paid orders, the share the platform later cancels, fully refunds or readdresses. */
export const LATER_SHARES: Readonly<Record<'cancelled' | 'refunded' | 'readdressed', number>> = { cancelled: 0.04, refunded: 0.02, readdressed: 0.01 };
/** Of orders that arrive unpaid (a fifth of the demo baskets), the share paid later; the rest are cancelled unpaid. */
export const PAID_LATER_SHARE = 0.85;
/** How far behind its order an update comes, in messages of the feed: seconds at a load test's rates. */
const UPDATE_DELAY = { min: 100, max: 3000 };
/** A fixed instant, so the same seed always gives the same payloads byte for byte. */
const BASE_MS = Date.UTC(2026, 11, 12, 4, 0, 0);

/**
 * The `mixed` load profile's feed, deterministic in its seed: new orders over all six channels in
 * their own formats and in realistic shares (the demo baskets, which the demo rule set's
 * promotions apply to), some arriving unpaid and paid (or cancelled) later, and some paid ones
 * cancelled, fully refunded or readdressed later, as their platform would send those updates. A
 * cancellation that lands after the waybill is an operator's interception, as in real life.
 */
export class MixedOrders {
  private readonly random: () => number;
  private seq: number;
  private index = 0;
  private readonly due = new Map<number, FeedItem[]>();
  private readonly ready: FeedItem[] = [];

  constructor(seed: number) {
    this.random = mulberry32(seed);
    this.seq = seed * 10_000_000;
  }

  /** The next message to publish: an update that has come due, else a new order. */
  next(): FeedItem {
    const index = this.index++;
    const arriving = this.due.get(index);
    if (arriving) {
      this.ready.push(...arriving);
      this.due.delete(index);
    }
    return this.ready.shift() ?? this.newOrder(index);
  }

  /** Updates not yet due when the feed ends: published last, so no order waits for one forever. */
  rest(): FeedItem[] {
    const later = [...this.due.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, items]) => items);
    this.due.clear();
    return [...this.ready.splice(0), ...later];
  }

  private newOrder(index: number): FeedItem {
    const seq = this.seq++;
    const channel = pickChannel(this.random);
    const platform = PLATFORMS[channel] as PlatformDefinition<unknown>;
    const createdMs = BASE_MS + index * 10;
    const { externalId, payload } = platform.create(seq, { createdMs, modifiedMs: createdMs });
    const orderId = orderIdOf(channel, externalId);
    const kind = laterUpdate(basketOf(seq).unpaid, this.random);
    if (kind) {
      const delay = UPDATE_DELAY.min + Math.floor(this.random() * (UPDATE_DELAY.max - UPDATE_DELAY.min));
      const order: PlatformOrder<unknown> = { externalId, seq, createdMs, modifiedMs: createdMs, payload, served: true };
      // Platforms keep whole seconds, and a later version must carry a later time.
      const atMs = Math.floor((createdMs + delay * 10) / 1000) * 1000 + 1000;
      const updated = platform.update(order, kind, atMs);
      if (updated !== undefined) {
        const items = this.due.get(index + delay) ?? [];
        items.push({ channel, orderId, payload: JSON.stringify(updated), update: kind });
        this.due.set(index + delay, items);
      }
    }
    return { channel, orderId, payload: JSON.stringify(payload) };
  }

}

/** The platform's later update of a new order, if any, in the mixed feed's shares. */
export function laterUpdate(unpaid: boolean, random: () => number): OrderUpdateKind | undefined {
  const r = random();
  if (unpaid) return r < PAID_LATER_SHARE ? 'paid' : 'cancelled';
  if (r < LATER_SHARES.cancelled) return 'cancelled';
  if (r < LATER_SHARES.cancelled + LATER_SHARES.refunded) return 'refunded';
  if (r < LATER_SHARES.cancelled + LATER_SHARES.refunded + LATER_SHARES.readdressed) return 'readdressed';
  return undefined;
}

/** A channel drawn in `CHANNEL_SHARES`. */
export function pickChannel(random: () => number): Channel {
  let r = random();
  for (const [channel, share] of Object.entries(CHANNEL_SHARES) as [Channel, number][]) {
    if (r < share) return channel;
    r -= share;
  }
  return 'tmall';
}
