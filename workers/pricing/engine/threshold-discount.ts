import type { ThresholdRule } from './compile-rule-set.ts';
import { intDiv } from './item-discount.ts';
import { subtotalOf, type WorkLine } from './pricing-context.ts';
import type { ThresholdOffPromotion } from './rule-set.ts';

export interface ThresholdOutcome {
  readonly discount: number;
  readonly note: string;
}

/**
 * What a `threshold_off` takes from a scope whose running subtotal is `subtotal` fen: amountOff
 * once, or per whole threshold with `repeat`, at most `cap`, never more than the subtotal.
 *
 * @example
 * thresholdDiscount({ threshold: 30000, amountOff: 5000, repeat: true, cap: 10000, ... }, 95000)
 * // { discount: 10000, note: 'threshold 30000 reached 3 times; capped at 10000' }
 */
export function thresholdDiscount(promotion: ThresholdOffPromotion, subtotal: number): ThresholdOutcome {
  const { threshold, amountOff, cap } = promotion;
  if (subtotal < threshold) return { discount: 0, note: `threshold ${threshold} not reached` };
  const times = promotion.repeat === true ? intDiv(subtotal, threshold) : 1;
  // A huge product is inexact only above 2^53, far beyond any subtotal, so the clamps below still hold.
  let discount = times * amountOff;
  let note = times === 1 ? `threshold ${threshold} reached` : `threshold ${threshold} reached ${times} times`;
  if (cap !== undefined && discount > cap) {
    discount = cap;
    note += `; capped at ${cap}`;
  }
  if (discount > subtotal) {
    discount = subtotal;
    note += '; limited to the scope subtotal';
  }
  return { discount, note };
}

/** How one threshold_off measured up against its scope at the moment its level ran. */
export interface Measured {
  readonly rule: ThresholdRule;
  readonly scope: WorkLine[];
  readonly subtotal: number;
  readonly discount: number;
  readonly note: string;
}

/**
 * Measures a threshold_off against the running subtotal of its scope, without applying it.
 * `stackable` is the order's lines that order-level promotions may cover.
 */
export function measureThreshold(rule: ThresholdRule, stackable: WorkLine[]): Measured {
  const categories = rule.categories;
  const scope = categories === null ? stackable : stackable.filter((line) => categories.has(line.line.category));
  return measureOnScope(rule, scope, subtotalOf(scope));
}

/** As {@link measureThreshold}, for a scope already gathered (store and platform rules share one). */
export function measureOnScope(rule: ThresholdRule, scope: WorkLine[], subtotal: number): Measured {
  if (scope.length === 0) {
    return { rule, scope, subtotal, discount: 0, note: 'no line in scope: its lines have a non-stackable item promotion' };
  }
  const { discount, note } = thresholdDiscount(rule.promotion, subtotal);
  return { rule, scope, subtotal, discount, note };
}
