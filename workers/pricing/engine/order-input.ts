import { z } from 'zod';
import { MAX_AMOUNT, channel, expecting, fenAmount, instant, positiveCount, text } from './field-schemas.ts';
import { parseWith, type ParseResult } from './parse-result.ts';

const object = (what: string) => ({ error: expecting(`must be ${what}`) });

export const priceOrderLineSchema = z.object(
  {
    lineId: text,
    sku: text,
    category: text,
    qty: positiveCount,
    unitPrice: fenAmount(),
  },
  object('an order line object'),
);
export type PriceOrderLine = z.infer<typeof priceOrderLineSchema>;

/**
 * The order as pricing reads it (`spec/pricing.md`, Input). Unknown fields are ignored so the
 * pricing stage can pass a richer object; every field pricing reads is checked.
 */
export const priceOrderSchema = z
  .object(
    {
      orderId: text,
      channel,
      placedAt: instant,
      lines: z
        .array(priceOrderLineSchema, { error: expecting('must be a list of order lines') })
        .min(1, { error: () => 'must have at least one line' }),
      shippingFee: fenAmount(),
      coupons: z.array(text, { error: expecting('must be a list of coupon codes') }).default([]),
    },
    object('an order object'),
  )
  .superRefine((order, ctx) => {
    const seen = new Set<string>();
    let goods = 0;
    let lineTooLarge = false;
    order.lines.forEach((line, i) => {
      if (seen.has(line.lineId)) {
        ctx.addIssue({ code: 'custom', path: ['lines', i, 'lineId'], message: `duplicate line id ${JSON.stringify(line.lineId)}` });
      }
      seen.add(line.lineId);
      const amount = line.qty * line.unitPrice;
      goods += amount;
      if (amount > MAX_AMOUNT) {
        lineTooLarge = true;
        ctx.addIssue({ code: 'custom', path: ['lines', i], message: `qty × unitPrice is ${amount} fen, more than the ${MAX_AMOUNT} allowed` });
      }
    });
    // A gift line is named `<lineId>-gift`; an order line of that name would be indistinguishable.
    order.lines.forEach((line, i) => {
      const main = line.lineId.endsWith('-gift') ? line.lineId.slice(0, -'-gift'.length) : undefined;
      if (main !== undefined && seen.has(main)) {
        ctx.addIssue({ code: 'custom', path: ['lines', i, 'lineId'], message: `${JSON.stringify(line.lineId)} is reserved for a gift of line ${JSON.stringify(main)}` });
      }
    });
    if (goods > MAX_AMOUNT && !lineTooLarge) {
      ctx.addIssue({ code: 'custom', path: ['lines'], message: `goods total is ${goods} fen, more than the ${MAX_AMOUNT} allowed` });
    }
  });
export type PriceOrder = z.infer<typeof priceOrderSchema>;

/**
 * Validates an order to price, as read from `ordersurge price ORDER.json` or built by the pricing stage.
 *
 * @example
 * parsePriceOrder({ ...order, lines: [{ ...line, qty: -1 }] })
 * // { ok: false, errors: ['lines[0].qty: must be a positive integer, got -1'] }
 */
export function parsePriceOrder(json: unknown): ParseResult<PriceOrder> {
  return parseWith(priceOrderSchema, json, 'order');
}
