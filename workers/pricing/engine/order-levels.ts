import { compareIds, type OrderRule, type ThresholdRule } from './compile-rule-set.ts';
import { pickExclusive, type Exclusive } from './exclusivity.ts';
import { applyFreeShipping, traceDroppedFreeShipping, traceWaived } from './free-shipping.ts';
import { allocate, eligible, lineIdsOf, subtotalOf, type PricingContext, type WorkLine } from './pricing-context.ts';
import type { OrderLevel } from './rule-set.ts';
import { measureOnScope, measureThreshold, type Measured } from './measure-threshold.ts';

/**
 * What the order levels of one order work with, gathered once after the item level: the lines
 * order-level promotions may cover (stackability is settled by then) and the eligible promotions.
 */
export interface OrderLevelView {
  readonly stackable: WorkLine[];
  /** Category-level threshold_off promotions covering a category some line has, by id. */
  readonly category: ThresholdRule[];
  readonly store: ThresholdRule[];
  readonly platform: ThresholdRule[];
}

/**
 * The order levels, in the rule set's sequence, then free shipping. Returns the shipping fee the
 * buyer pays. When an applicable promotion is not stackable, the one of highest precedence runs
 * alone and every other order-level promotion is traced as excluded by it.
 */
export function applyOrderLevels(ctx: PricingContext): number {
  const view: OrderLevelView = {
    stackable: ctx.lines.filter((line) => line.stackable),
    category: categoryRules(ctx),
    store: ctx.rules.storeThresholds.filter((rule) => eligible(ctx, rule)),
    platform: ctx.rules.platformThresholds.filter((rule) => eligible(ctx, rule)),
  };
  if (ctx.rules.hasNonStackableOrderRule) {
    const rules: OrderRule[] = [...view.category, ...view.store, ...view.platform];
    for (const rule of ctx.rules.freeShipping) if (eligible(ctx, rule)) rules.push(rule);
    const exclusive = pickExclusive(ctx, view.stackable, rules);
    if (exclusive !== null) return applyExclusive(ctx, view, exclusive, rules);
  }
  for (const level of ctx.rules.levels) {
    if (level === 'category') applyCategoryLevel(ctx, view);
    else applySingleThresholdLevel(ctx, view, level);
  }
  return applyFreeShipping(ctx);
}

function categoryRules(ctx: PricingContext): ThresholdRule[] {
  const found: ThresholdRule[] = [];
  const seenCategories = new Set<string>();
  for (const work of ctx.lines) {
    const category = work.line.category;
    if (seenCategories.has(category)) continue;
    seenCategories.add(category);
    const rules = ctx.rules.categoryThresholdsByCategory.get(category);
    if (rules === undefined) continue;
    for (const rule of rules) if (!found.includes(rule) && eligible(ctx, rule)) found.push(rule);
  }
  return found.length < 2 ? found : found.sort((a, b) => compareIds(a.id, b.id));
}

/**
 * Category level: greedily from the largest discount down (tie: smaller id), skipping a promotion
 * whose scope shares a line with one already taken. Taken scopes are disjoint, so measuring them
 * all before applying any is the same as measuring each just before it applies.
 */
function applyCategoryLevel(ctx: PricingContext, view: OrderLevelView): void {
  if (view.category.length === 0) return;
  const measured = view.category.map((rule) => measureThreshold(rule, view.stackable));
  const ranked = measured.filter((m) => m.discount > 0).sort(byDiscountThenId);
  const taken: Measured[] = [];
  const excludedBy = new Map<Measured, { by: string; lineId: string; tie: boolean }>();
  for (const candidate of ranked) {
    const overlap = candidate.scope.find((line) => line.takenBy !== null);
    if (overlap?.takenBy != null) {
      const by = taken.find((t) => t.rule.id === overlap.takenBy);
      excludedBy.set(candidate, { by: overlap.takenBy, lineId: overlap.line.lineId, tie: by?.discount === candidate.discount });
      continue;
    }
    for (const line of candidate.scope) line.takenBy = candidate.rule.id;
    taken.push(candidate);
  }
  for (const m of taken) {
    allocate(m.rule.id, m.discount, m.scope);
    ctx.trace.add('category', m.rule, m.subtotal, m.discount, lineIdsOf(m.scope), m.note);
  }
  for (const m of measured) {
    if (taken.includes(m)) continue;
    const exclusion = excludedBy.get(m);
    const note =
      exclusion === undefined
        ? m.note
        : `shares line ${exclusion.lineId} with ${exclusion.by}, ${exclusion.tie ? 'the same discount with the smaller id' : 'a larger discount'}`;
    ctx.trace.add('category', m.rule, m.subtotal, 0, lineIdsOf(m.scope), note, exclusion?.by);
  }
}

/** Store or platform level: at most one threshold_off, the largest discount (tie: smaller id). */
function applySingleThresholdLevel(ctx: PricingContext, view: OrderLevelView, level: 'store' | 'platform'): void {
  const rules = view[level];
  if (rules.length === 0) return;
  // Every store or platform promotion covers the same lines, so the subtotal is taken once.
  const lines = view.stackable;
  const subtotal = subtotalOf(lines);
  const measured = rules.map((rule) => measureOnScope(rule, lines, subtotal));
  let winner: Measured | null = null;
  for (const m of measured) if (m.discount > (winner?.discount ?? 0)) winner = m;
  const scope = wholeOrderScope(ctx, lines);
  if (winner !== null) {
    allocate(winner.rule.id, winner.discount, lines);
    ctx.trace.add(level, winner.rule, subtotal, winner.discount, scope, winner.note);
  }
  for (const m of measured) {
    if (m === winner) continue;
    if (winner === null || m.discount === 0) {
      ctx.trace.add(level, m.rule, subtotal, 0, scope, m.note);
      continue;
    }
    const note =
      m.discount === winner.discount
        ? `same discount as ${winner.rule.id}, which has the smaller id`
        : `${winner.rule.id} gives a larger discount`;
    ctx.trace.add(level, m.rule, subtotal, 0, scope, note, winner.rule.id);
  }
}

/** The non-stackable winner applies alone; everything else at the order levels is dropped. */
function applyExclusive(ctx: PricingContext, view: OrderLevelView, exclusive: Exclusive, rules: readonly OrderRule[]): number {
  const winner = exclusive.rule;
  const note = `not combined: ${winner.id} is not stackable`;
  for (const level of ctx.rules.levels) {
    if (winner.kind === 'threshold' && winner.level === level) {
      const m = measureThreshold(winner, view.stackable);
      allocate(winner.id, m.discount, m.scope);
      ctx.trace.add(level, winner, m.subtotal, m.discount, scopeIds(ctx, level, m.scope), `${m.note}; not stackable, applied alone`);
    }
    for (const rule of view[level]) {
      if (rule === winner) continue;
      const m = measureThreshold(rule, view.stackable);
      ctx.trace.add(level, rule, m.subtotal, 0, scopeIds(ctx, level, m.scope), note, winner.id);
    }
  }
  const goodsPayable = subtotalOf(ctx.lines);
  if (winner.kind === 'free_shipping') traceWaived(ctx, winner, goodsPayable, 'not stackable, applied alone');
  traceDroppedFreeShipping(ctx, rules, goodsPayable, winner, note);
  return winner.kind === 'free_shipping' ? 0 : ctx.shippingFee;
}

function scopeIds(ctx: PricingContext, level: OrderLevel, scope: readonly WorkLine[]): string[] | undefined {
  return level === 'category' ? lineIdsOf(scope) : wholeOrderScope(ctx, scope);
}

/** Store and platform steps name their scope only when it is not the whole order. */
function wholeOrderScope(ctx: PricingContext, scope: readonly WorkLine[]): string[] | undefined {
  return scope.length === ctx.lines.length ? undefined : lineIdsOf(scope);
}

function byDiscountThenId(a: Measured, b: Measured): number {
  return b.discount - a.discount || compareIds(a.rule.id, b.rule.id);
}
