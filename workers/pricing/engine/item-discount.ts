import type { ItemPricePromotion } from './rule-set.ts';

/**
 * The discount an item-level price promotion gives one line of `qty` units at `unitPrice` fen.
 * Percentages round half-up per unit, in integers.
 *
 * @example
 * itemDiscount({ type: 'nth_item_percent_off', nth: 2, percentOff: 50, ... }, 2, 19900) // 9950
 */
export function itemDiscount(promotion: ItemPricePromotion, qty: number, unitPrice: number): number {
  switch (promotion.type) {
    case 'percent_off':
      return qty * (unitPrice - discountedUnitPrice(unitPrice, promotion.percentOff));
    case 'nth_item_percent_off':
      return intDiv(qty, promotion.nth) * (unitPrice - discountedUnitPrice(unitPrice, promotion.percentOff));
    case 'fixed_price':
      return unitPrice > promotion.price ? qty * (unitPrice - promotion.price) : 0;
    case 'buy_n_get_m':
      // Only complete groups of buy+free units earn free units.
      return intDiv(qty, promotion.buy + promotion.free) * promotion.free * unitPrice;
    default:
      return unreachable(promotion);
  }
}

/** round_half_up(unitPrice * (100 - percentOff) / 100), exact for the amounts the schemas admit. */
export function discountedUnitPrice(unitPrice: number, percentOff: number): number {
  return intDiv(unitPrice * (100 - percentOff) + 50, 100);
}

/** Floor division of non-negative safe integers without a floating-point quotient. */
export function intDiv(dividend: number, divisor: number): number {
  return (dividend - (dividend % divisor)) / divisor;
}

function unreachable(value: never): never {
  throw new Error(`unhandled promotion ${JSON.stringify(value)}`);
}
