import { fen, type Fen } from '../../../streams/money.ts';
import { compileRuleSet, type CompiledRuleSet } from './compile-rule-set.ts';
import { applyItemLevel } from './item-level.ts';
import type { PriceOrder } from './order-input.ts';
import { applyOrderLevels } from './order-levels.ts';
import type { PricedLine, PriceResult } from './price-result.ts';
import type { PricingContext, WorkLine } from './pricing-context.ts';
import type { RuleSet } from './rule-set.ts';
import { TraceLog } from './trace-log.ts';

const NO_ALLOCATIONS: Readonly<Record<string, Fen>> = Object.freeze({});

/**
 * Prices an order under a rule set (`spec/pricing.md`): the item level, then the order levels in
 * the rule set's sequence, then free shipping. Pure: the same order and rules give the same
 * result, whatever order the promotions were listed in.
 *
 * Pass a {@link compileRuleSet} result when pricing many orders with one rule set; a plain rule
 * set is compiled on every call.
 *
 * @example
 * const rules = parseRuleSet(rulesJson);  // once per rule set version
 * const order = parsePriceOrder(orderJson);
 * if (rules.ok && order.ok) {
 *   const compiled = compileRuleSet(rules.value);
 *   price(order.value, compiled).payable; // 30850 for the spec's example
 * }
 */
export function price(order: PriceOrder, rules: CompiledRuleSet | RuleSet): PriceResult {
  const lines: WorkLine[] = order.lines.map((line) => {
    const listAmount = line.qty * line.unitPrice;
    return { line, listAmount, itemDiscount: 0, running: listAmount, stackable: true, gift: null, allocations: {}, takenBy: null };
  });
  const ctx: PricingContext = {
    rules: isCompiled(rules) ? rules : compileRuleSet(rules),
    placedAtMs: Date.parse(order.placedAt),
    channel: order.channel,
    coupons: order.coupons,
    shippingFee: order.shippingFee,
    lines,
    trace: new TraceLog(),
  };

  applyItemLevel(ctx);
  const shippingFee = applyOrderLevels(ctx);

  const priced: PricedLine[] = [];
  let goodsTotal = 0;
  let goodsPayable = 0;
  for (const work of lines) {
    goodsTotal += work.listAmount;
    goodsPayable += work.running;
    priced.push({
      lineId: work.line.lineId,
      sku: work.line.sku,
      qty: work.line.qty,
      listAmount: fen(work.listAmount),
      itemDiscount: fen(work.itemDiscount),
      allocations: work.allocations,
      payable: fen(work.running),
    });
    if (work.gift !== null) {
      // The gift line follows its main line because it ships with it.
      priced.push({
        lineId: `${work.line.lineId}-gift`,
        sku: work.gift.promotion.giftSku,
        qty: work.gift.promotion.giftQty,
        listAmount: fen(0),
        itemDiscount: fen(0),
        allocations: NO_ALLOCATIONS,
        payable: fen(0),
        gift: true,
      });
    }
  }

  return {
    orderId: order.orderId,
    goodsTotal: fen(goodsTotal),
    discountTotal: fen(goodsTotal - goodsPayable),
    goodsPayable: fen(goodsPayable),
    shippingFee: fen(shippingFee),
    payable: fen(goodsPayable + shippingFee),
    lines: priced,
    trace: ctx.trace.entries,
  };
}

function isCompiled(rules: CompiledRuleSet | RuleSet): rules is CompiledRuleSet {
  return (rules as Partial<CompiledRuleSet>).kind === 'compiled-rule-set';
}
