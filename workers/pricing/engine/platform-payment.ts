import type { Channel } from '../../../streams/canonical-order.ts';
import { fen, type Fen } from '../../../streams/money.ts';
import { apportion } from './apportion.ts';

/** Channels that price orders themselves (the buyer has paid); every other channel is priced by the engine. */
export const PLATFORM_PRICED_CHANNELS: ReadonlySet<Channel> = new Set<Channel>(['tmall', 'jd', 'douyin', 'pdd']);

/**
 * Whether an order from `channel` is checked against the platform's own prices
 * ({@link checkPlatformPayment}) rather than priced by the rule engine.
 *
 * @example
 * isPlatformPriced('tmall') // true
 * isPlatformPriced('shop')  // false: priced by `price`
 */
export function isPlatformPriced(channel: Channel): boolean {
  return PLATFORM_PRICED_CHANNELS.has(channel);
}

/** Who pays for a discount: the platform (subsidy) or the shop. Settlement needs it per line. */
export type FundingSource = 'platform' | 'shop';

export interface PlatformLineInput {
  readonly lineId: string;
  readonly listAmount: Fen;
  readonly gift?: boolean;
}

/** One order-level discount from the platform's own breakdown. */
export interface PlatformDiscount {
  readonly id: string;
  readonly source: FundingSource;
  readonly amount: Fen;
}

export interface PlatformPaymentInput {
  readonly lines: readonly PlatformLineInput[];
  /** In the platform's order: each is apportioned over the running amounts the previous ones left. */
  readonly discounts: readonly PlatformDiscount[];
  readonly shipping: Fen;
  readonly paid: Fen;
}

export interface PlatformShare {
  readonly discountId: string;
  readonly source: FundingSource;
  readonly amount: Fen;
}

export interface PlatformPaidLine {
  readonly lineId: string;
  readonly listAmount: Fen;
  /** Non-zero shares only. */
  readonly shares: readonly PlatformShare[];
  readonly platformFunded: Fen;
  readonly shopFunded: Fen;
  readonly payable: Fen;
  readonly gift?: true;
}

export type PlatformPaymentResult =
  | {
      readonly ok: true;
      readonly lines: readonly PlatformPaidLine[];
      readonly goods: Fen;
      readonly platformDiscount: Fen;
      readonly shopDiscount: Fen;
      readonly shipping: Fen;
      readonly paid: Fen;
    }
  /** `expected` = list amounts - discounts + shipping; it may be negative when discounts are wrong. */
  | { readonly ok: false; readonly reason: 'payment mismatch'; readonly expected: number; readonly paid: Fen }
  | { readonly ok: false; readonly reason: 'discount exceeds goods'; readonly goods: Fen; readonly discount: number };

/**
 * Checks a platform order (Tmall, JD, Douyin, Pinduoduo) the platform priced itself: list amounts
 * minus discounts plus shipping must equal what the buyer paid, to the fen; a mismatch is reported,
 * never fixed. When it balances, each discount is apportioned to the non-gift lines by the same
 * method as the rule engine ({@link apportion}), each share keeping its funding source.
 *
 * @example
 * checkPlatformPayment({
 *   lines: [{ lineId: '1', listAmount: fen(39800) }],
 *   discounts: [{ id: 'tmall-coupon', source: 'platform', amount: fen(5000) }],
 *   shipping: fen(0), paid: fen(34800),
 * }) // { ok: true, lines: [{ lineId: '1', ..., platformFunded: 5000, payable: 34800 }], ... }
 */
export function checkPlatformPayment(input: PlatformPaymentInput): PlatformPaymentResult {
  let goods = 0;
  for (const line of input.lines) goods += line.listAmount;
  let discount = 0;
  for (const d of input.discounts) discount += d.amount;
  const expected = goods - discount + input.shipping;
  if (expected !== input.paid) return { ok: false, reason: 'payment mismatch', expected, paid: input.paid };

  const priced = input.lines.filter((line) => line.gift !== true);
  let pricedGoods = 0;
  for (const line of priced) pricedGoods += line.listAmount;
  if (discount > pricedGoods) return { ok: false, reason: 'discount exceeds goods', goods: fen(pricedGoods), discount };

  const running = new Map<PlatformLineInput, number>(priced.map((line) => [line, line.listAmount]));
  const shares = new Map<PlatformLineInput, PlatformShare[]>(priced.map((line) => [line, []]));
  for (const d of input.discounts) {
    const split = apportion(
      d.amount,
      priced.map((line) => fen(running.get(line) ?? 0)),
    );
    priced.forEach((line, i) => {
      const amount = split[i] ?? fen(0);
      if (amount === 0) return;
      running.set(line, (running.get(line) ?? 0) - amount);
      shares.get(line)?.push({ discountId: d.id, source: d.source, amount });
    });
  }

  let platformDiscount = 0;
  let shopDiscount = 0;
  const lines = input.lines.map((line): PlatformPaidLine => {
    const lineShares = shares.get(line) ?? [];
    let platformFunded = 0;
    let shopFunded = 0;
    for (const share of lineShares) {
      if (share.source === 'platform') platformFunded += share.amount;
      else shopFunded += share.amount;
    }
    platformDiscount += platformFunded;
    shopDiscount += shopFunded;
    const paidLine = {
      lineId: line.lineId,
      listAmount: line.listAmount,
      shares: lineShares,
      platformFunded: fen(platformFunded),
      shopFunded: fen(shopFunded),
      payable: fen(line.listAmount - platformFunded - shopFunded),
    };
    return line.gift === true ? { ...paidLine, gift: true } : paidLine;
  });

  return {
    ok: true,
    lines,
    goods: fen(goods),
    platformDiscount: fen(platformDiscount),
    shopDiscount: fen(shopDiscount),
    shipping: input.shipping,
    paid: input.paid,
  };
}
