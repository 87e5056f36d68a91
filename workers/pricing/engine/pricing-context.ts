import type { Channel } from '../../../streams/canonical-order.ts';
import { fen, type Fen } from '../../../streams/money.ts';
import { apportion } from './apportion.ts';
import { isEligible, type CompiledRuleSet, type Eligibility, type GiftRule } from './compile-rule-set.ts';
import type { PriceOrderLine } from './order-input.ts';
import type { TraceLog } from './trace-log.ts';

/** One order line while it is being priced; `running` is its amount after every step so far. */
export interface WorkLine {
  readonly line: PriceOrderLine;
  readonly listAmount: number;
  itemDiscount: number;
  running: number;
  /** False when the line's item-level promotion is not stackable: it is then outside every order-level scope. */
  stackable: boolean;
  gift: GiftRule | null;
  readonly allocations: Record<string, Fen>;
  /** The category-level promotion that already covers this line, for the no-overlap rule. */
  takenBy: string | null;
}

/** Everything one `price` call reads and the state it builds up; it never outlives the call. */
export interface PricingContext {
  readonly rules: CompiledRuleSet;
  readonly placedAtMs: number;
  readonly channel: Channel;
  readonly coupons: readonly string[];
  readonly shippingFee: number;
  readonly lines: readonly WorkLine[];
  readonly trace: TraceLog;
}

export function eligible(ctx: PricingContext, rule: Eligibility): boolean {
  return isEligible(rule, ctx.placedAtMs, ctx.channel, ctx.coupons);
}

export function subtotalOf(lines: readonly WorkLine[]): number {
  let sum = 0;
  for (const line of lines) sum += line.running;
  return sum;
}

export function lineIdsOf(lines: readonly WorkLine[]): string[] {
  return lines.map((line) => line.line.lineId);
}

/** Takes an order-level discount off its scope, apportioned by running amounts just before it. */
export function allocate(promotionId: string, discount: number, scope: readonly WorkLine[]): void {
  const shares = apportion(
    fen(discount),
    scope.map((line) => fen(line.running)),
  );
  scope.forEach((line, i) => {
    const share = shares[i] ?? 0;
    if (share === 0) return;
    line.allocations[promotionId] = share;
    line.running -= share;
  });
}
