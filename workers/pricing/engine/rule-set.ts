import { z } from 'zod';
import {
  channel,
  expecting,
  fenAmount,
  flag,
  instant,
  nonEmptyList,
  percent,
  positiveCount,
  showValue,
  text,
} from './field-schemas.ts';
import { parseWith, type ParseResult } from './parse-result.ts';

export const LEVELS = ['item', 'category', 'store', 'platform'] as const;
export type Level = (typeof LEVELS)[number];

export const ORDER_LEVELS = ['category', 'store', 'platform'] as const;
export type OrderLevel = (typeof ORDER_LEVELS)[number];

/** The order levels' sequence when a rule set does not give one. */
export const DEFAULT_LEVEL_ORDER: readonly OrderLevel[] = ORDER_LEVELS;

export const PROMOTION_TYPES = [
  'percent_off',
  'nth_item_percent_off',
  'fixed_price',
  'buy_n_get_m',
  'gift',
  'threshold_off',
  'free_shipping',
] as const;
export type PromotionType = (typeof PROMOTION_TYPES)[number];

const listOf = (values: readonly string[]) => values.map((v) => `"${v}"`).join(', ');

/** A level field that says both "this level does not exist" and "this type does not run at this level". */
function levelOf<const L extends readonly [Level, ...Level[]]>(type: PromotionType, allowed: L) {
  return z.enum(allowed, {
    error: (issue) => {
      if (issue.input === undefined) return `is required (one of ${listOf(allowed)})`;
      if (!(LEVELS as readonly unknown[]).includes(issue.input)) {
        return `unknown level ${showValue(issue.input)}; expected one of ${listOf(LEVELS)}`;
      }
      return `a ${type} promotion runs at level ${listOf(allowed)}, got ${showValue(issue.input)}`;
    },
  });
}

const common = {
  id: text,
  validFrom: instant.optional(),
  validTo: instant.optional(),
  channels: nonEmptyList(channel, 'channels').optional(),
  stackable: flag.optional(),
  requiresClaim: flag.optional(),
};

const itemScope = {
  skus: nonEmptyList(text, 'skus').optional(),
  categories: nonEmptyList(text, 'categories').optional(),
};

const promotionObject = { error: expecting('must be a promotion object') };

export const percentOffSchema = z.strictObject(
  { ...common, ...itemScope, type: z.literal('percent_off'), level: levelOf('percent_off', ['item']), percentOff: percent },
  promotionObject,
);

export const nthItemPercentOffSchema = z.strictObject(
  {
    ...common,
    ...itemScope,
    type: z.literal('nth_item_percent_off'),
    level: levelOf('nth_item_percent_off', ['item']),
    nth: positiveCount,
    percentOff: percent,
  },
  promotionObject,
);

export const fixedPriceSchema = z.strictObject(
  { ...common, ...itemScope, type: z.literal('fixed_price'), level: levelOf('fixed_price', ['item']), price: fenAmount() },
  promotionObject,
);

export const buyNGetMSchema = z.strictObject(
  {
    ...common,
    ...itemScope,
    type: z.literal('buy_n_get_m'),
    level: levelOf('buy_n_get_m', ['item']),
    buy: positiveCount,
    free: positiveCount,
  },
  promotionObject,
);

export const giftSchema = z.strictObject(
  {
    ...common,
    ...itemScope,
    type: z.literal('gift'),
    level: levelOf('gift', ['item']),
    minQty: positiveCount,
    giftSku: text,
    giftQty: positiveCount,
  },
  promotionObject,
);

export const thresholdOffSchema = z
  .strictObject(
    {
      ...common,
      type: z.literal('threshold_off'),
      level: levelOf('threshold_off', ORDER_LEVELS),
      categories: nonEmptyList(text, 'categories').optional(),
      threshold: fenAmount(1),
      amountOff: fenAmount(1),
      repeat: flag.optional(),
      cap: fenAmount(1).optional(),
    },
    promotionObject,
  )
  .superRefine((promotion, ctx) => {
    if (promotion.level === 'category' && promotion.categories === undefined) {
      ctx.addIssue({ code: 'custom', path: ['categories'], message: 'is required at the category level (the categories it covers)' });
    }
    if (promotion.level !== 'category' && promotion.categories !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['categories'],
        message: `only category-level promotions take categories; a ${promotion.level}-level promotion covers every line`,
      });
    }
  });

export const freeShippingSchema = z.strictObject(
  { ...common, type: z.literal('free_shipping'), level: levelOf('free_shipping', ORDER_LEVELS), threshold: fenAmount(1) },
  promotionObject,
);

export const promotionSchema = z
  .discriminatedUnion(
    'type',
    [percentOffSchema, nthItemPercentOffSchema, fixedPriceSchema, buyNGetMSchema, giftSchema, thresholdOffSchema, freeShippingSchema],
    {
      error: (issue) => {
        if (issue.code !== 'invalid_union') return expecting('must be a promotion object')(issue);
        const type = (issue.input as { type?: unknown } | undefined)?.type;
        if (type === undefined) return `is required (one of ${listOf(PROMOTION_TYPES)})`;
        return `unknown promotion type ${showValue(type)}; expected one of ${listOf(PROMOTION_TYPES)}`;
      },
    },
  )
  .superRefine((promotion, ctx) => {
    if (promotion.validFrom !== undefined && promotion.validTo !== undefined) {
      if (Date.parse(promotion.validTo) <= Date.parse(promotion.validFrom)) {
        ctx.addIssue({ code: 'custom', path: ['validTo'], message: `must be after validFrom (${promotion.validFrom}), got ${JSON.stringify(promotion.validTo)}` });
      }
    }
  });

export type Promotion = z.infer<typeof promotionSchema>;
export type PercentOffPromotion = z.infer<typeof percentOffSchema>;
export type NthItemPercentOffPromotion = z.infer<typeof nthItemPercentOffSchema>;
export type FixedPricePromotion = z.infer<typeof fixedPriceSchema>;
export type BuyNGetMPromotion = z.infer<typeof buyNGetMSchema>;
export type GiftPromotion = z.infer<typeof giftSchema>;
export type ThresholdOffPromotion = z.infer<typeof thresholdOffSchema>;
export type FreeShippingPromotion = z.infer<typeof freeShippingSchema>;
export type ItemPricePromotion = PercentOffPromotion | NthItemPercentOffPromotion | FixedPricePromotion | BuyNGetMPromotion;

const levelOrderSchema = z
  .array(
    z.enum(ORDER_LEVELS, {
      error: (issue) =>
        issue.input === 'item'
          ? 'the item level always runs first; list only "category", "store" and "platform"'
          : `unknown level ${showValue(issue.input)}; expected one of ${listOf(ORDER_LEVELS)}`,
    }),
    { error: expecting('must be a list of order levels') },
  )
  .superRefine((levels, ctx) => {
    // Leaving a level out would silently disable its promotions, so the sequence must be complete.
    const complete = levels.length === ORDER_LEVELS.length && ORDER_LEVELS.every((level) => levels.includes(level));
    if (!complete) {
      ctx.addIssue({
        code: 'custom',
        message: `must list each of ${listOf(ORDER_LEVELS)} exactly once, got ${JSON.stringify(levels)}`,
      });
    }
  });

export const ruleSetSchema = z
  .strictObject(
    {
      order: levelOrderSchema.optional(),
      promotions: z.array(promotionSchema, { error: expecting('must be a list of promotions') }),
    },
    { error: expecting('must be a rule set object { "promotions": [...] }') },
  )
  .superRefine((ruleSet, ctx) => {
    // Ties are broken by id, so an id must name exactly one promotion.
    const first = new Map<string, number>();
    ruleSet.promotions.forEach((promotion, i) => {
      const earlier = first.get(promotion.id);
      if (earlier !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['promotions', i, 'id'],
          message: `duplicate promotion id ${JSON.stringify(promotion.id)} (also promotions[${earlier}])`,
        });
      } else {
        first.set(promotion.id, i);
      }
    });
  });
export type RuleSet = z.infer<typeof ruleSetSchema>;

/**
 * Validates a merchant's rule set (`spec/pricing.md`, Promotions).
 *
 * @example
 * parseRuleSet({ promotions: [{ id: 'X', level: 'item', type: 'bogus' }] })
 * // { ok: false, errors: ['promotions[0].type: unknown promotion type "bogus"; expected one of ...'] }
 */
export function parseRuleSet(json: unknown): ParseResult<RuleSet> {
  return parseWith(ruleSetSchema, json, 'rule set');
}
