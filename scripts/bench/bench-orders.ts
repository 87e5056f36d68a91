import { CHANNELS, orderIdOf, type Channel } from '../../streams/canonical-order.ts';
import { basketOf } from '../simulators/platforms/demo-basket.ts';
import { PLATFORMS } from '../simulators/platforms/start-platform-simulators.ts';

/** One pre-generated order, ready to publish into ingest. */
export interface BenchOrder {
  channel: Channel;
  /** `CHANNEL:EXTERNAL_ID`, the id the pipeline will give it. */
  orderId: string;
  payload: string;
}

/** A fixed instant, so the same seed always gives the same payloads byte for byte. */
const BASE_MS = Date.UTC(2026, 10, 11, 4, 0, 0);

/**
 * `count` valid, paid orders spread over all six platforms in their own formats, deterministic in
 * `seed`. Unpaid baskets are skipped: they would wait for a payment update instead of flowing.
 */
export function benchOrders(count: number, seed: number): BenchOrder[] {
  const orders: BenchOrder[] = [];
  for (let seq = seed * 10_000_000; orders.length < count; seq++) {
    if (basketOf(seq).unpaid) continue;
    const channel = CHANNELS[orders.length % CHANNELS.length]!;
    const createdMs = BASE_MS + orders.length * 10;
    const { externalId, payload } = PLATFORMS[channel].create(seq, { createdMs, modifiedMs: createdMs });
    orders.push({ channel, orderId: orderIdOf(channel, externalId), payload: JSON.stringify(payload) });
  }
  return orders;
}
