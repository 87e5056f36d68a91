import type { Channel } from '../../../streams/canonical-order.ts';
import {
  DEFAULT_LEVEL_ORDER,
  type FreeShippingPromotion,
  type GiftPromotion,
  type ItemPricePromotion,
  type OrderLevel,
  type Promotion,
  type RuleSet,
  type ThresholdOffPromotion,
} from './rule-set.ts';
import { notReached } from './threshold-discount.ts';

/** What decides whether a promotion is in force for an order at all, before its scope or amounts. */
export interface Eligibility {
  readonly id: string;
  readonly validFromMs: number;
  readonly validToMs: number;
  readonly channels: ReadonlySet<Channel> | null;
  readonly requiresClaim: boolean;
  readonly stackable: boolean;
}

export interface ItemPriceRule extends Eligibility {
  readonly kind: 'price';
  readonly promotion: ItemPricePromotion;
  readonly skus: ReadonlySet<string> | null;
  readonly categories: ReadonlySet<string> | null;
}

export interface GiftRule extends Eligibility {
  readonly kind: 'gift';
  readonly promotion: GiftPromotion;
  readonly skus: ReadonlySet<string> | null;
  readonly categories: ReadonlySet<string> | null;
}

export type ItemRule = ItemPriceRule | GiftRule;

export interface ThresholdRule extends Eligibility {
  readonly kind: 'threshold';
  readonly promotion: ThresholdOffPromotion;
  readonly level: OrderLevel;
  /** Null at the store and platform levels: every line. */
  readonly categories: ReadonlySet<string> | null;
  /** The most common trace note, built once rather than per order. */
  readonly notReachedNote: string;
}

export interface FreeShippingRule extends Eligibility {
  readonly kind: 'free_shipping';
  readonly promotion: FreeShippingPromotion;
  readonly level: OrderLevel;
}

export type OrderRule = ThresholdRule | FreeShippingRule;

/**
 * A rule set indexed for pricing many orders. Every list is sorted by promotion id, which is what
 * makes a price independent of the order promotions were written in.
 */
export interface CompiledRuleSet {
  readonly kind: 'compiled-rule-set';
  readonly levels: readonly OrderLevel[];
  /** Item rules without a scope: they cover every line. */
  readonly itemForEveryLine: readonly ItemRule[];
  readonly itemBySku: ReadonlyMap<string, readonly ItemRule[]>;
  readonly itemByCategory: ReadonlyMap<string, readonly ItemRule[]>;
  readonly categoryThresholdsByCategory: ReadonlyMap<string, readonly ThresholdRule[]>;
  readonly storeThresholds: readonly ThresholdRule[];
  readonly platformThresholds: readonly ThresholdRule[];
  readonly freeShipping: readonly FreeShippingRule[];
  /** Lets the common case skip the exclusivity pass entirely. */
  readonly hasNonStackableOrderRule: boolean;
}

/**
 * Indexes a validated rule set once, so each order only looks at the promotions that can touch it.
 * Compile once per rule set version and reuse the result for every order.
 *
 * @example
 * const compiled = compileRuleSet(parsed.value);
 * for (const order of orders) results.push(price(order, compiled));
 */
export function compileRuleSet(ruleSet: RuleSet): CompiledRuleSet {
  const promotions = [...ruleSet.promotions].sort((a, b) => compareIds(a.id, b.id));
  const itemForEveryLine: ItemRule[] = [];
  const itemBySku = new Map<string, ItemRule[]>();
  const itemByCategory = new Map<string, ItemRule[]>();
  const categoryThresholdsByCategory = new Map<string, ThresholdRule[]>();
  const storeThresholds: ThresholdRule[] = [];
  const platformThresholds: ThresholdRule[] = [];
  const freeShipping: FreeShippingRule[] = [];
  let hasNonStackableOrderRule = false;

  for (const promotion of promotions) {
    const eligibility = eligibilityOf(promotion);
    switch (promotion.type) {
      case 'percent_off':
      case 'nth_item_percent_off':
      case 'fixed_price':
      case 'buy_n_get_m':
      case 'gift': {
        const skus = promotion.skus === undefined ? null : new Set(promotion.skus);
        const categories = promotion.categories === undefined ? null : new Set(promotion.categories);
        const rule: ItemRule =
          promotion.type === 'gift'
            ? { ...eligibility, kind: 'gift', promotion, skus, categories }
            : { ...eligibility, kind: 'price', promotion, skus, categories };
        if (skus === null && categories === null) itemForEveryLine.push(rule);
        for (const sku of skus ?? []) push(itemBySku, sku, rule);
        for (const category of categories ?? []) push(itemByCategory, category, rule);
        break;
      }
      case 'threshold_off': {
        hasNonStackableOrderRule ||= !eligibility.stackable;
        const categories = promotion.categories === undefined ? null : new Set(promotion.categories);
        const rule: ThresholdRule = {
          ...eligibility,
          kind: 'threshold',
          promotion,
          level: promotion.level,
          categories,
          notReachedNote: notReached(promotion.threshold),
        };
        if (promotion.level === 'category') for (const category of categories ?? []) push(categoryThresholdsByCategory, category, rule);
        else if (promotion.level === 'store') storeThresholds.push(rule);
        else platformThresholds.push(rule);
        break;
      }
      case 'free_shipping':
        hasNonStackableOrderRule ||= !eligibility.stackable;
        freeShipping.push({ ...eligibility, kind: 'free_shipping', promotion, level: promotion.level });
        break;
      default:
        return unreachable(promotion);
    }
  }

  return {
    kind: 'compiled-rule-set',
    levels: ruleSet.order ?? DEFAULT_LEVEL_ORDER,
    itemForEveryLine,
    itemBySku,
    itemByCategory,
    categoryThresholdsByCategory,
    storeThresholds,
    platformThresholds,
    freeShipping,
    hasNonStackableOrderRule,
  };
}

/** Plain code-unit comparison, the same on every machine and locale ("tie: the smaller id"). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Whether a promotion is in force for an order: inside its window (start inclusive, end exclusive,
 * compared as instants), on one of its channels, and claimed when it must be.
 */
export function isEligible(rule: Eligibility, placedAtMs: number, channel: Channel, coupons: readonly string[]): boolean {
  if (placedAtMs < rule.validFromMs || placedAtMs >= rule.validToMs) return false;
  if (rule.channels !== null && !rule.channels.has(channel)) return false;
  return !rule.requiresClaim || coupons.includes(rule.id);
}

function eligibilityOf(promotion: Promotion): Eligibility {
  return {
    id: promotion.id,
    validFromMs: promotion.validFrom === undefined ? Number.NEGATIVE_INFINITY : Date.parse(promotion.validFrom),
    validToMs: promotion.validTo === undefined ? Number.POSITIVE_INFINITY : Date.parse(promotion.validTo),
    channels: promotion.channels === undefined ? null : new Set(promotion.channels),
    requiresClaim: promotion.requiresClaim ?? false,
    stackable: promotion.stackable ?? true,
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function unreachable(value: never): never {
  throw new Error(`unhandled promotion ${JSON.stringify(value)}`);
}
