import { compareIds, type GiftRule, type ItemPriceRule, type ItemRule } from './compile-rule-set.ts';
import { itemDiscount } from './item-discount.ts';
import { eligible, type PricingContext, type WorkLine } from './pricing-context.ts';

/** What the trace says about one item-level promotion across the order's lines. */
interface ItemRecord {
  readonly rule: ItemRule;
  readonly appliedLines: string[];
  appliedBase: number;
  appliedDiscount: number;
  readonly candidateLines: string[];
  candidateBase: number;
  excludedBy: string | null;
  /** Why it did not apply: outbid (with excludedBy) wins over "no effect" as the explanation. */
  note: string | null;
}

/** The eligible item rules in scope of one line, with the discount each gives it; reused across lines. */
interface Candidates {
  readonly rules: ItemRule[];
  readonly discounts: number[];
}

/**
 * The item level: on each line, the price promotion with the largest discount (tie: smaller id)
 * and at most one gift promotion. A promotion that gives a line no discount does not apply to it,
 * so it cannot make the line non-stackable.
 */
export function applyItemLevel(ctx: PricingContext): void {
  const records = new Map<string, ItemRecord>();
  const candidates: Candidates = { rules: [], discounts: [] };
  for (const work of ctx.lines) {
    candidates.rules.length = 0;
    candidates.discounts.length = 0;
    collectCandidates(ctx, work, candidates);
    const count = candidates.rules.length;
    if (count === 0) continue;

    let best: ItemPriceRule | null = null;
    let bestDiscount = 0;
    let gift: GiftRule | null = null;
    for (let c = 0; c < count; c++) {
      const rule = candidates.rules[c] as ItemRule;
      const discount = candidates.discounts[c] ?? 0;
      if (rule.kind === 'price') {
        if (discount > bestDiscount || (discount > 0 && discount === bestDiscount && best !== null && compareIds(rule.id, best.id) < 0)) {
          best = rule;
          bestDiscount = discount;
        }
      } else if (work.line.qty >= rule.promotion.minQty && (gift === null || compareIds(rule.id, gift.id) < 0)) {
        // Gift promotions give no discount to compare, so the smaller id wins among them.
        gift = rule;
      }
    }

    work.itemDiscount = bestDiscount;
    work.running = work.listAmount - bestDiscount;
    work.gift = gift;
    work.stackable = best?.stackable !== false && gift?.stackable !== false;

    for (let c = 0; c < count; c++) {
      const rule = candidates.rules[c] as ItemRule;
      const discount = candidates.discounts[c] ?? 0;
      const record = recordOf(records, rule);
      if (rule === best || rule === gift) {
        record.appliedLines.push(work.line.lineId);
        record.appliedBase += work.listAmount;
        record.appliedDiscount += discount;
        continue;
      }
      record.candidateLines.push(work.line.lineId);
      record.candidateBase += work.listAmount;
      if (record.excludedBy !== null) continue;
      const lineId = work.line.lineId;
      if (rule.kind === 'price') {
        if (best !== null) {
          record.excludedBy = best.id;
          record.note =
            discount === bestDiscount
              ? `${best.id} gives line ${lineId} the same discount and has the smaller id`
              : `${best.id} gives line ${lineId} a larger discount`;
        } else {
          record.note ??= `gives line ${lineId} no discount`;
        }
      } else if (gift !== null && work.line.qty >= rule.promotion.minQty) {
        record.excludedBy = gift.id;
        record.note = `line ${lineId} already gets the gift of ${gift.id} (smaller id)`;
      } else {
        record.note ??= `line ${lineId} qty ${work.line.qty} is below minQty ${rule.promotion.minQty}`;
      }
    }
  }
  traceItemLevel(ctx, records);
}

/**
 * The eligible item rules whose scope holds the line. A rule scoped by both skus and categories
 * sits in both indexes; it is taken from the sku index only.
 */
function collectCandidates(ctx: PricingContext, work: WorkLine, out: Candidates): void {
  const { sku, category } = work.line;
  // Plain loops, not a shared closure: tsx wraps every closure creation in a naming call.
  for (const rule of ctx.rules.itemForEveryLine) consider(ctx, work, rule, out);
  const bySku = ctx.rules.itemBySku.get(sku);
  if (bySku !== undefined) for (const rule of bySku) consider(ctx, work, rule, out);
  const byCategory = ctx.rules.itemByCategory.get(category);
  if (byCategory !== undefined) {
    for (const rule of byCategory) if (rule.skus === null || !rule.skus.has(sku)) consider(ctx, work, rule, out);
  }
}

function consider(ctx: PricingContext, work: WorkLine, rule: ItemRule, out: Candidates): void {
  if (!eligible(ctx, rule)) return;
  out.rules.push(rule);
  out.discounts.push(rule.kind === 'price' ? itemDiscount(rule.promotion, work.line.qty, work.line.unitPrice) : 0);
}

function recordOf(records: Map<string, ItemRecord>, rule: ItemRule): ItemRecord {
  let record = records.get(rule.id);
  if (record === undefined) {
    record = {
      rule,
      appliedLines: [],
      appliedBase: 0,
      appliedDiscount: 0,
      candidateLines: [],
      candidateBase: 0,
      excludedBy: null,
      note: null,
    };
    records.set(rule.id, record);
  }
  return record;
}

/** Applied promotions first, then the ones that applied nowhere; each group by id. */
function traceItemLevel(ctx: PricingContext, records: Map<string, ItemRecord>): void {
  const sorted = [...records.values()].sort((a, b) => compareIds(a.rule.id, b.rule.id));
  for (const record of sorted) {
    if (record.appliedLines.length === 0) continue;
    const { rule } = record;
    const note =
      rule.kind === 'gift'
        ? `adds ${rule.promotion.giftQty} × ${rule.promotion.giftSku} as ${record.appliedLines.map((id) => `${id}-gift`).join(', ')}`
        : undefined;
    ctx.trace.add('item', rule, record.appliedBase, record.appliedDiscount, record.appliedLines, note);
  }
  for (const record of sorted) {
    if (record.appliedLines.length > 0) continue;
    ctx.trace.add('item', record.rule, record.candidateBase, 0, record.candidateLines, record.note ?? undefined, record.excludedBy ?? undefined);
  }
}
