import { fen } from '../../../streams/money.ts';
import type { Eligibility } from './compile-rule-set.ts';
import type { TraceEntry } from './price-result.ts';
import type { Level, PromotionType } from './rule-set.ts';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** Collects trace entries in the order the engine decides them, numbering the steps. */
export class TraceLog {
  readonly entries: TraceEntry[] = [];

  add(
    level: Level,
    rule: Eligibility & { readonly promotion: { readonly type: PromotionType } },
    base: number,
    discount: number,
    scope: readonly string[] | undefined,
    note: string | undefined,
    excludedBy?: string,
  ): void {
    const step = this.entries.length + 1;
    const promotionId = rule.id;
    const type = rule.promotion.type;
    // Literals in the contract's field order (the printed JSON reads like the spec's example);
    // not object spread, which is slow enough on Node 20 to dominate a price.
    const entry: Writable<TraceEntry> =
      scope === undefined
        ? { step, level, promotionId, type, base: fen(base), discount: fen(discount) }
        : { step, level, promotionId, type, scope, base: fen(base), discount: fen(discount) };
    if (note !== undefined) entry.note = note;
    if (excludedBy !== undefined) entry.excludedBy = excludedBy;
    this.entries.push(entry);
  }
}
