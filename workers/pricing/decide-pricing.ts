import type { Channel } from '../../streams/canonical-order.ts';
import { fen, formatYuan, type Fen } from '../../streams/money.ts';
import { checkPayment } from './check-payment.ts';
import {
  checkPlatformPayment,
  compileRuleSet,
  isPlatformPriced,
  price,
  type CompiledRuleSet,
  type PlatformDiscount,
  type PlatformPaymentResult,
  type PriceResult,
  type RuleSet,
} from './engine/index.ts';

/** What pricing reads of an order (from Postgres), with each line's catalogue category. */
export interface PricingInput {
  orderId: string;
  channel: Channel;
  placedAt: string;
  lines: { lineId: string; sku: string; category: string; qty: number; unitPrice: number; gift: boolean }[];
  amounts: { goods: number; discount: number; platformDiscount: number | null; shopDiscount: number | null; shipping: number; paid: number };
  coupons: string[];
}

/** A rule set version as the pool receives it; compiled once per version per thread. */
export interface VersionedRuleSet {
  version: number;
  rules: RuleSet;
}

export type PricingDecision =
  | { method: 'engine'; ok: true; payable: Fen; result: PriceResult }
  | { method: 'platform'; ok: true; payable: Fen; result: Extract<PlatformPaymentResult, { ok: true }> }
  | { method: 'check'; ok: true; payable: Fen }
  | { method: 'engine' | 'platform' | 'check'; ok: false; type: 'payment_mismatch'; detail: string; result?: unknown };

const compiled = new Map<number, CompiledRuleSet>();

function compiledVersion(ruleSet: VersionedRuleSet): CompiledRuleSet {
  let hit = compiled.get(ruleSet.version);
  if (!hit) {
    hit = compileRuleSet(ruleSet.rules);
    compiled.set(ruleSet.version, hit);
  }
  return hit;
}

/**
 * Decides an order's price, purely. Platform channels keep the platform's price: their discounts
 * are apportioned to lines by funding source, and the paid amount must add up to the fen. Own
 * channels are priced by the active rule set, and the buyer must have paid what it computes.
 * Without any rule set yet, own channels get the plain payment check. A mismatch of even one fen
 * is an exception ("payment mismatch"), never silently fixed.
 */
export function decidePricing(input: PricingInput, ruleSet: VersionedRuleSet | undefined): PricingDecision {
  const { amounts } = input;
  if (isPlatformPriced(input.channel)) {
    const discounts: PlatformDiscount[] = [];
    const platform = amounts.platformDiscount ?? 0;
    const shop = amounts.shopDiscount ?? amounts.discount - platform;
    if (platform > 0) discounts.push({ id: 'platform', source: 'platform', amount: fen(platform) });
    if (shop > 0) discounts.push({ id: 'shop', source: 'shop', amount: fen(shop) });
    const result = checkPlatformPayment({
      lines: input.lines.map((l) => ({ lineId: l.lineId, listAmount: fen(l.qty * l.unitPrice), ...(l.gift ? { gift: true } : {}) })),
      discounts,
      shipping: fen(amounts.shipping),
      paid: fen(amounts.paid),
    });
    if (result.ok) return { method: 'platform', ok: true, payable: result.paid, result };
    const detail =
      result.reason === 'payment mismatch'
        ? `payment mismatch: list ${formatYuan(amounts.goods)} - discounts ${formatYuan(platform + shop)} + shipping ${formatYuan(amounts.shipping)} = ${formatYuan(result.expected)}, paid ${formatYuan(result.paid)}`
        : `payment mismatch: discounts ${formatYuan(result.discount)} exceed goods ${formatYuan(result.goods)}`;
    return { method: 'platform', ok: false, type: 'payment_mismatch', detail };
  }
  if (!ruleSet) {
    const check = checkPayment({ amounts: { goods: fen(amounts.goods), discount: fen(amounts.discount), shipping: fen(amounts.shipping), paid: fen(amounts.paid) } });
    return check.ok ? { method: 'check', ok: true, payable: fen(amounts.paid) } : { method: 'check', ok: false, type: check.type, detail: check.detail };
  }
  const result = price(
    {
      orderId: input.orderId,
      channel: input.channel,
      placedAt: input.placedAt,
      lines: input.lines.map((l) => ({ lineId: l.lineId, sku: l.sku, category: l.category, qty: l.qty, unitPrice: fen(l.unitPrice) })),
      shippingFee: fen(amounts.shipping),
      coupons: input.coupons,
    },
    compiledVersion(ruleSet),
  );
  if (result.payable === amounts.paid) return { method: 'engine', ok: true, payable: result.payable, result };
  return {
    method: 'engine',
    ok: false,
    type: 'payment_mismatch',
    detail: `payment mismatch: rule set v${ruleSet.version} prices the order at ${formatYuan(result.payable)}, paid ${formatYuan(amounts.paid)}`,
    result,
  };
}
