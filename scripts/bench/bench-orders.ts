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
  for (const order of benchOrderStream(seed)) {
    if (orders.length >= count) break;
    orders.push(order);
  }
  return orders;
}

/** The same orders as `benchOrders`, one at a time and without end: for a run whose length is decided as it goes. */
export function* benchOrderStream(seed: number): Generator<BenchOrder, never> {
  for (let seq = seed * 10_000_000, n = 0; ; seq++) {
    if (basketOf(seq).unpaid) continue;
    const channel = CHANNELS[n % CHANNELS.length]!;
    const createdMs = BASE_MS + n * 10;
    const { externalId, payload } = PLATFORMS[channel].create(seq, { createdMs, modifiedMs: createdMs });
    n++;
    yield { channel, orderId: orderIdOf(channel, externalId), payload: JSON.stringify(payload) };
  }
}
