import type { ThresholdRule } from './compile-rule-set.ts';
import { subtotalOf, type WorkLine } from './pricing-context.ts';
import { thresholdDiscount } from './threshold-discount.ts';

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
  if (subtotal < rule.promotion.threshold) return { rule, scope, subtotal, discount: 0, note: rule.notReachedNote };
  const { discount, note } = thresholdDiscount(rule.promotion, subtotal);
  return { rule, scope, subtotal, discount, note };
}
