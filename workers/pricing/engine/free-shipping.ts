import type { FreeShippingRule, OrderRule } from './compile-rule-set.ts';
import { eligible, subtotalOf, type PricingContext } from './pricing-context.ts';
import { notReached } from './threshold-discount.ts';

/**
 * Free shipping runs last, whatever its level: shipping becomes 0 when the goods payable after
 * every discount reaches a threshold. Several reaching theirs waive it once; the trace credits the
 * smallest id. Returns the shipping fee the buyer pays.
 */
export function applyFreeShipping(ctx: PricingContext): number {
  const goodsPayable = subtotalOf(ctx.lines);
  const rules = ctx.rules.freeShipping.filter((rule) => eligible(ctx, rule));
  const applied = rules.find((rule) => goodsPayable >= rule.promotion.threshold);
  if (applied !== undefined) traceWaived(ctx, applied, goodsPayable, undefined);
  for (const rule of rules) {
    if (rule === applied) continue;
    if (applied !== undefined && goodsPayable >= rule.promotion.threshold) {
      ctx.trace.add(rule.level, rule, goodsPayable, 0, undefined, `shipping already waived by ${applied.id}`, applied.id);
    } else {
      ctx.trace.add(rule.level, rule, goodsPayable, 0, undefined, notReached(rule.promotion.threshold));
    }
  }
  return applied === undefined ? ctx.shippingFee : 0;
}

/** Traces a free shipping that applied; `suffix` adds why it applied alone. */
export function traceWaived(ctx: PricingContext, rule: FreeShippingRule, goodsPayable: number, suffix: string | undefined): void {
  const why =
    ctx.shippingFee === 0
      ? 'no shipping fee to waive'
      : `goods payable ${goodsPayable} reaches threshold ${rule.promotion.threshold}; shipping ${ctx.shippingFee} waived`;
  ctx.trace.add(rule.level, rule, goodsPayable, ctx.shippingFee, undefined, suffix === undefined ? why : `${why}; ${suffix}`);
}

/** Traces the free-shipping promotions among `rules` that an exclusive (non-stackable) `winner` dropped. */
export function traceDroppedFreeShipping(
  ctx: PricingContext,
  rules: readonly OrderRule[],
  goodsPayable: number,
  winner: OrderRule,
  note: string,
): void {
  for (const rule of rules) {
    if (rule.kind === 'free_shipping' && rule !== winner) ctx.trace.add(rule.level, rule, goodsPayable, 0, undefined, note, winner.id);
  }
}
