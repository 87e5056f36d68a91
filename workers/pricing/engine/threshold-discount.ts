import { intDiv } from './item-discount.ts';
import type { ThresholdOffPromotion } from './rule-set.ts';

/** The note of a threshold that was not reached, as the spec's example words it. */
export function notReached(threshold: number): string {
  return `threshold ${threshold} not reached`;
}

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
  if (subtotal < threshold) return { discount: 0, note: notReached(threshold) };
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
