import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fen } from '../../streams/money.ts';
import { apportion } from '../pricing/engine/apportion.ts';
import { planRefund, planShippingRefund, unitsRefund, type RefundableLine } from './refund-amounts.ts';

const line = (lineId: string, qty: number, payableFen: number | null, refundedQty = 0): RefundableLine => ({ lineId, sku: `SKU-${lineId}`, qty, payableFen, refundedQty });

describe('unitsRefund', () => {
  it('is pricing\'s largest-remainder split over equal units', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 40 }), (payable, qty) => {
        // Equal weights, each as large as the total so apportion accepts it.
        const shares = apportion(fen(payable), Array.from({ length: qty }, () => fen(Math.max(payable, 1))));
        for (let from = 0; from < qty; from++) {
          for (let count = 0; from + count <= qty; count++) {
            expect(unitsRefund(fen(payable), qty, from, count)).toBe(shares.slice(from, from + count).reduce((a, b) => a + b, 0));
          }
        }
      }),
    );
  });

  it('gives the first units the odd fen', () => {
    expect([0, 1, 2].map((u) => unitsRefund(fen(1000), 3, u, 1))).toEqual([334, 333, 333]);
  });
});

describe('planRefund', () => {
  const lines = [line('1', 3, 1000), line('2', 1, 4990), line('3', 1, 0)];
  const money = { paidFen: 5990, refundedFen: 0 };

  it('refunds the requested units, or every unit left when none are named', () => {
    expect(planRefund(lines, [{ lineId: '1', qty: 2 }], money)).toEqual({ ok: true, lines: [{ lineId: '1', sku: 'SKU-1', qty: 2, refundFen: 667 }], totalFen: 667, refundsRestOfOrder: false });
    const rest = planRefund([line('1', 3, 1000, 2), line('2', 1, 4990), line('3', 1, 0)], [], { paidFen: 5990, refundedFen: 667 });
    expect(rest).toEqual({
      ok: true,
      lines: [
        { lineId: '1', sku: 'SKU-1', qty: 1, refundFen: 333 },
        { lineId: '2', sku: 'SKU-2', qty: 1, refundFen: 4990 },
        { lineId: '3', sku: 'SKU-3', qty: 1, refundFen: 0 },
      ],
      totalFen: 5323,
      refundsRestOfOrder: true,
    });
  });

  it('refuses what cannot be refunded, naming the line and the problem', () => {
    expect(planRefund(lines, [{ lineId: '9', qty: 1 }], money)).toEqual({ ok: false, errors: ['lines[0].line: the order has no line "9" (it has 1, 2, 3)'] });
    expect(planRefund([line('1', 3, 1000, 2)], [{ lineId: '1', qty: 2 }], money)).toEqual({ ok: false, errors: ['lines[0].qty: line 1 has 1 of 3 units left to refund, asked 2'] });
    expect(planRefund(lines, [{ lineId: '1', qty: 0 }], money)).toEqual({ ok: false, errors: ['lines[0].qty: must be a positive integer, got 0'] });
    expect(planRefund([line('1', 1, null)], [], money)).toEqual({ ok: false, errors: ['lines[0].line: line 1 has no apportioned payable yet (the order is not priced)'] });
    expect(planRefund(lines, [{ lineId: '2', qty: 1 }], { paidFen: 5990, refundedFen: 2000 })).toEqual({ ok: false, errors: ['refund: 4990 fen is more than the 3990 fen left of 5990 paid'] });
    expect(planRefund([line('1', 1, 100, 1)], [], money)).toEqual({ ok: false, errors: ['lines: every unit of the order has been refunded already'] });
  });

  it('moves goods only for an exchange: no money, not limited by refunds', () => {
    expect(planRefund([line('1', 2, 1000, 2)], [{ lineId: '1', qty: 1 }], { paidFen: 1000, refundedFen: 1000 }, false)).toEqual({
      ok: true,
      lines: [{ lineId: '1', sku: 'SKU-1', qty: 1, refundFen: 0 }],
      totalFen: 0,
      refundsRestOfOrder: false,
    });
  });

  it('never refunds more than a line\'s payable or the order\'s paid, and a line refunded in pieces adds up to its payable exactly (discounted multi-line orders)', () => {
    const order = fc
      .array(fc.record({ qty: fc.integer({ min: 1, max: 9 }), unit: fc.integer({ min: 0, max: 100_000 }) }), { minLength: 1, maxLength: 6 })
      .chain((specs) => {
        const gross = specs.map((s) => s.qty * s.unit);
        const goods = gross.reduce((a, b) => a + b, 0);
        return fc.record({ specs: fc.constant(specs), gross: fc.constant(gross), discount: fc.integer({ min: 0, max: goods }), shipping: fc.integer({ min: 0, max: 2000 }) });
      });
    const tickets = fc.array(fc.array(fc.record({ line: fc.integer({ min: 0, max: 6 }), qty: fc.integer({ min: 1, max: 10 }) }), { maxLength: 4 }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(order, tickets, ({ specs, gross, discount, shipping }, asks) => {
        const cuts = apportion(fen(discount), gross.map(fen));
        const payables = gross.map((g, i) => g - (cuts[i] ?? 0));
        const paidFen = payables.reduce((a, b) => a + b, 0) + shipping;
        const state: RefundableLine[] = specs.map((s, i) => line(String(i + 1), s.qty, payables[i] ?? 0));
        const refundedPerLine = state.map(() => 0);
        let refundedFen = 0;
        for (const ask of asks) {
          const requested = ask.map((a) => ({ lineId: String(a.line + 1), qty: a.qty }));
          const plan = planRefund(state, requested, { paidFen, refundedFen });
          if (!plan.ok) continue;
          expect(plan.totalFen).toBe(plan.lines.reduce((a, l) => a + l.refundFen, 0));
          for (const l of plan.lines) {
            const i = Number(l.lineId) - 1;
            refundedPerLine[i] = (refundedPerLine[i] ?? 0) + l.refundFen;
            state[i] = { ...state[i]!, refundedQty: state[i]!.refundedQty + l.qty };
          }
          refundedFen += plan.totalFen;
          expect(refundedFen).toBeLessThanOrEqual(paidFen);
        }
        state.forEach((l, i) => {
          expect(refundedPerLine[i]).toBeLessThanOrEqual(payables[i] ?? 0);
          expect(l.refundedQty).toBeLessThanOrEqual(l.qty);
          if (l.refundedQty === l.qty) expect(refundedPerLine[i]).toBe(payables[i]);
        });
      }),
      { numRuns: 500 },
    );
  });
});

describe('planShippingRefund', () => {
  it('refunds the whole shipping fee once per order, never for an exchange or an order that charged none', () => {
    expect(planShippingRefund({ shippingFen: 1000, shippingRefundedFen: 0 }, false, true)).toEqual({ ok: true, fen: 0 });
    expect(planShippingRefund({ shippingFen: 1000, shippingRefundedFen: 0 }, true, true)).toEqual({ ok: true, fen: 1000 });
    expect(planShippingRefund({ shippingFen: 1000, shippingRefundedFen: 1000 }, true, true)).toEqual({ ok: false, error: 'shipping: the shipping fee of 1000 fen is refunded by an earlier ticket already' });
    expect(planShippingRefund({ shippingFen: 0, shippingRefundedFen: 0 }, true, true)).toEqual({ ok: false, error: 'shipping: the order charged no shipping fee' });
    expect(planShippingRefund({ shippingFen: 1000, shippingRefundedFen: 0 }, true, false)).toEqual({ ok: false, error: 'shipping: an exchange moves goods only and refunds no shipping fee' });
  });
});
