import type { Channel } from '../../../streams/canonical-order.ts';
import { parsePriceOrder, type PriceOrder } from './order-input.ts';
import { parseRuleSet, type RuleSet } from './rule-set.ts';

/** Test input: a line as [sku, category, qty, unitPrice fen]; line ids are 1, 2, ... */
export type LineSpec = readonly [sku: string, category: string, qty: number, unitPrice: number];

export interface OrderOptions {
  readonly channel?: Channel;
  readonly placedAt?: string;
  readonly shippingFee?: number;
  readonly coupons?: readonly string[];
}

/** Builds an order for tests through the real schema, so a test cannot price an invalid order. */
export function testOrder(lines: readonly LineSpec[], options: OrderOptions = {}): PriceOrder {
  const parsed = parsePriceOrder({
    orderId: 'test-1',
    channel: options.channel ?? 'shop',
    placedAt: options.placedAt ?? '2026-12-12T00:03:00+08:00',
    lines: lines.map(([sku, category, qty, unitPrice], i) => ({ lineId: String(i + 1), sku, category, qty, unitPrice })),
    shippingFee: options.shippingFee ?? 0,
    coupons: options.coupons ?? [],
  });
  if (!parsed.ok) throw new Error(`invalid test order: ${parsed.errors.join('; ')}`);
  return parsed.value;
}

/** Builds a rule set for tests through the real schema. */
export function testRules(promotions: readonly object[], order?: readonly string[]): RuleSet {
  const parsed = parseRuleSet(order === undefined ? { promotions } : { order, promotions });
  if (!parsed.ok) throw new Error(`invalid test rule set: ${parsed.errors.join('; ')}`);
  return parsed.value;
}
