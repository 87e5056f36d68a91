import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fen } from '../../../streams/money.ts';
import { CHANNELS } from '../../../streams/canonical-order.ts';
import { checkPlatformPayment, isPlatformPriced, type PlatformDiscount } from './platform-payment.ts';

const line = (lineId: string, listAmount: number, gift?: true) => ({ lineId, listAmount: fen(listAmount), ...(gift ? { gift } : {}) });
const discount = (id: string, source: 'platform' | 'shop', amount: number): PlatformDiscount => ({ id, source, amount: fen(amount) });

describe('isPlatformPriced', () => {
  it('leaves Tmall, JD, Douyin and Pinduoduo to the platform and the own channels to the engine', () => {
    expect(CHANNELS.filter(isPlatformPriced)).toEqual(['tmall', 'jd', 'douyin', 'pdd']);
    expect(CHANNELS.filter((c) => !isPlatformPriced(c))).toEqual(['shop', 'pos']);
  });
});

describe('checkPlatformPayment', () => {
  it('apportions each discount to the lines and keeps who funds each share', () => {
    const result = checkPlatformPayment({
      lines: [line('1', 30000), line('2', 10000), line('3', 0, true)],
      discounts: [discount('TMALL-88VIP', 'platform', 4000), discount('SHOP-COUPON', 'shop', 1001)],
      shipping: fen(0),
      paid: fen(34999),
    });
    expect(result).toEqual({
      ok: true,
      goods: 40000,
      platformDiscount: 4000,
      shopDiscount: 1001,
      shipping: 0,
      paid: 34999,
      lines: [
        {
          lineId: '1',
          listAmount: 30000,
          // The shop coupon splits over the running 27000:9000, so 750.75 and 250.25: the leftover fen to line 1.
          shares: [
            { discountId: 'TMALL-88VIP', source: 'platform', amount: 3000 },
            { discountId: 'SHOP-COUPON', source: 'shop', amount: 751 },
          ],
          platformFunded: 3000,
          shopFunded: 751,
          payable: 26249,
        },
        {
          lineId: '2',
          listAmount: 10000,
          shares: [
            { discountId: 'TMALL-88VIP', source: 'platform', amount: 1000 },
            { discountId: 'SHOP-COUPON', source: 'shop', amount: 250 },
          ],
          platformFunded: 1000,
          shopFunded: 250,
          payable: 8750,
        },
        { lineId: '3', listAmount: 0, shares: [], platformFunded: 0, shopFunded: 0, payable: 0, gift: true },
      ],
    });
  });

  it('flags a mismatch of one fen, never fixing it', () => {
    const input = { lines: [line('1', 39800)], discounts: [discount('C', 'shop', 5000)], shipping: fen(1000) };
    expect(checkPlatformPayment({ ...input, paid: fen(35800) }).ok).toBe(true);
    expect(checkPlatformPayment({ ...input, paid: fen(35799) })).toEqual({ ok: false, reason: 'payment mismatch', expected: 35800, paid: 35799 });
    expect(checkPlatformPayment({ ...input, paid: fen(35801) })).toEqual({ ok: false, reason: 'payment mismatch', expected: 35800, paid: 35801 });
  });

  it('refuses discounts larger than the goods even when shipping balances the sum', () => {
    expect(
      checkPlatformPayment({ lines: [line('1', 1000)], discounts: [discount('X', 'platform', 1500)], shipping: fen(1000), paid: fen(500) }),
    ).toEqual({ ok: false, reason: 'discount exceeds goods', goods: 1000, discount: 1500 });
  });

  it('line payables add up to paid minus shipping whenever the payment balances', () => {
    const input = fc
      .record({
        amounts: fc.array(fc.integer({ min: 0, max: 100000 }), { minLength: 1, maxLength: 8 }),
        cuts: fc.array(fc.tuple(fc.constantFrom<'platform' | 'shop'>('platform', 'shop'), fc.integer({ min: 0, max: 1000 })), { maxLength: 4 }),
        shipping: fc.integer({ min: 0, max: 2000 }),
      })
      .map(({ amounts, cuts, shipping }) => {
        const goods = amounts.reduce((a, b) => a + b, 0);
        // Each cut is a per-mille of the goods, so the discounts never exceed them.
        const discounts = cuts.map(([source, perMille], i) => discount(`D${i}`, source, Math.floor((goods * perMille) / 1000 / Math.max(cuts.length, 1))));
        const paid = goods - discounts.reduce((a, d) => a + d.amount, 0) + shipping;
        return { lines: amounts.map((a, i) => line(String(i + 1), a)), discounts, shipping: fen(shipping), paid: fen(paid) };
      });
    fc.assert(
      fc.property(input, (payment) => {
        const result = checkPlatformPayment(payment);
        if (!result.ok) throw new Error(`expected a balanced payment: ${JSON.stringify(result)}`);
        expect(result.lines.reduce((s, l) => s + l.payable, 0)).toBe(payment.paid - payment.shipping);
        for (const paidLine of result.lines) expect(paidLine.payable).toBeGreaterThanOrEqual(0);
        expect(result.platformDiscount + result.shopDiscount).toBe(payment.discounts.reduce((s, d) => s + d.amount, 0));
      }),
      { numRuns: 200 },
    );
  });
});
