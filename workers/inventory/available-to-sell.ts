import { CHANNELS, type Channel } from '../../streams/canonical-order.ts';

/** A SKU's stock across warehouses and what each channel keeps back. */
export interface SkuStock {
  sku: string;
  /** Sum over active warehouses of on hand - reserved. */
  available: number;
  /** Safety stock per channel; a channel not listed keeps none back. */
  safety: ReadonlyMap<string, number>;
}

/** Available-to-sell of one SKU on one channel. */
export interface Ats {
  sku: string;
  channel: Channel;
  ats: number;
}

/**
 * Available-to-sell per channel = on hand - reserved - that channel's safety stock, never below
 * zero (a channel is never told it may sell what is not there). Pure.
 *
 * @example
 * availableToSell({ sku: 'TEA', available: 10, safety: new Map([['tmall', 4]]) })
 * // [{ sku: 'TEA', channel: 'tmall', ats: 6 }, { sku: 'TEA', channel: 'jd', ats: 10 }, ...]
 */
export function availableToSell(stock: SkuStock): Ats[] {
  return CHANNELS.map((channel) => ({ sku: stock.sku, channel, ats: Math.max(0, stock.available - (stock.safety.get(channel) ?? 0)) }));
}
