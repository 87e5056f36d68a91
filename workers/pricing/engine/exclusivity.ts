import { compareIds, type OrderRule } from './compile-rule-set.ts';
import { measureThreshold } from './measure-threshold.ts';
import { subtotalOf, type PricingContext, type WorkLine } from './pricing-context.ts';
import type { OrderLevel } from './rule-set.ts';

export interface Exclusive {
  readonly rule: OrderRule;
  readonly discount: number;
}

const PRECEDENCE: Readonly<Record<OrderLevel, number>> = { platform: 3, category: 2, store: 1 };

/**
 * The non-stackable order-level promotion that applies alone, if any. "Applicable" means it would
 * take something off if it ran alone after the item level: a threshold reached (discount > 0), or
 * a free shipping reached on an order that has a shipping fee. A non-stackable promotion that
 * would change nothing does not shut the others out.
 * Precedence: platform > category > store; tie: larger discount, then smaller id.
 */
export function pickExclusive(ctx: PricingContext, stackable: WorkLine[], rules: readonly OrderRule[]): Exclusive | null {
  let best: Exclusive | null = null;
  for (const rule of rules) {
    if (rule.stackable) continue;
    const discount = standaloneDiscount(ctx, stackable, rule);
    if (discount === 0) continue;
    const candidate = { rule, discount };
    if (best === null || outranks(candidate, best)) best = candidate;
  }
  return best;
}

function standaloneDiscount(ctx: PricingContext, stackable: WorkLine[], rule: OrderRule): number {
  if (rule.kind === 'threshold') return measureThreshold(rule, stackable).discount;
  return subtotalOf(ctx.lines) >= rule.promotion.threshold ? ctx.shippingFee : 0;
}

function outranks(a: Exclusive, b: Exclusive): boolean {
  const byLevel = PRECEDENCE[a.rule.level] - PRECEDENCE[b.rule.level];
  if (byLevel !== 0) return byLevel > 0;
  if (a.discount !== b.discount) return a.discount > b.discount;
  return compareIds(a.rule.id, b.rule.id) < 0;
}
