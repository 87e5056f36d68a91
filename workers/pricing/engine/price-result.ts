import type { Fen } from '../../../streams/money.ts';
import type { Level, PromotionType } from './rule-set.ts';

/** One line of the priced order (`spec/pricing.md`, Output). */
export interface PricedLine {
  readonly lineId: string;
  /** Added to the contract's fields: a gift line needs them to ship. */
  readonly sku: string;
  readonly qty: number;
  readonly listAmount: Fen;
  readonly itemDiscount: Fen;
  /** Order-level discount shares on this line by promotion id; only non-zero shares appear. */
  readonly allocations: Readonly<Record<string, Fen>>;
  readonly payable: Fen;
  readonly gift?: true;
}

/** One step of the explanation of a price, in the order the engine decided it. */
export interface TraceEntry {
  readonly step: number;
  readonly level: Level;
  readonly promotionId: string;
  readonly type: PromotionType;
  /** Line ids; absent for store and platform steps that cover every line, and for free shipping. */
  readonly scope?: readonly string[];
  /** The amount the promotion was measured against (scope subtotal, or goods payable for free shipping). */
  readonly base: Fen;
  /** Fen taken off the goods, or for `free_shipping` the shipping fee waived. */
  readonly discount: Fen;
  readonly note?: string;
  /** The promotion that kept this one from applying. */
  readonly excludedBy?: string;
}

export interface PriceResult {
  readonly orderId: string;
  readonly goodsTotal: Fen;
  readonly discountTotal: Fen;
  readonly goodsPayable: Fen;
  /** Shipping the buyer pays: 0 when free shipping applied. */
  readonly shippingFee: Fen;
  readonly payable: Fen;
  readonly lines: readonly PricedLine[];
  readonly trace: readonly TraceEntry[];
}
