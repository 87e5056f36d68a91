import { describe, expect, it } from 'vitest';
import type { OrderSettlementRow } from '../../sql/queries/settlements.ts';
import { expectedFee } from './platform-fees.ts';
import { reconcileOrder } from './reconcile-order.ts';
import { reportPeriod } from './report-period.ts';
import { sniffEncoding } from './sniff-encoding.ts';
import iconv from 'iconv-lite';

const row = (over: Partial<OrderSettlementRow>): OrderSettlementRow => ({ orderId: 'tmall:1', channel: 'tmall', shop: 'tmall', paidFen: 10000, paidAt: new Date(0), refundedFen: 0, settledLines: 2, settledSaleFen: 10000, settledRefundFen: 0, settledFeeFen: -500, settledOtherFen: 0, ...over });

describe('reconcileOrder', () => {
  it('matches an order settled as expected', () => {
    expect(reconcileOrder(row({}))).toMatchObject({ receivableFen: 9500, settledFen: 9500, differenceFen: 0, kinds: [] });
    expect(reconcileOrder(row({ refundedFen: 4000, settledRefundFen: -4000, settledFeeFen: -300 }))).toMatchObject({ receivableFen: 5700, differenceFen: 0, kinds: [] });
  });

  it('names each kind of difference, several at once', () => {
    expect(reconcileOrder(row({ settledLines: 0, settledSaleFen: 0, settledFeeFen: 0 }))).toMatchObject({ differenceFen: 9500, kinds: ['order_never_settled'] });
    expect(reconcileOrder(row({ settledSaleFen: 9900 })).kinds).toEqual(['amount_differs']);
    expect(reconcileOrder(row({ settledFeeFen: -501 })).kinds).toEqual(['fee_differs']);
    expect(reconcileOrder(row({ refundedFen: 4000, settledFeeFen: -300 })).kinds).toEqual(['refund_not_settled']);
    expect(reconcileOrder(row({ settledRefundFen: -100 })).kinds).toEqual(['amount_differs']);
    expect(reconcileOrder(row({ settledSaleFen: 9000, settledFeeFen: -450 }))).toMatchObject({ differenceFen: 950, kinds: ['amount_differs', 'fee_differs'] });
  });

  it('rounds the expected fee half up to the fen', () => {
    expect(expectedFee('tmall', 8990, 0)).toBe(450);
    expect(expectedFee('tmall', 8970, 0)).toBe(449);
    expect(expectedFee('pdd', 10000, 10000)).toBe(0);
    expect(expectedFee('shop', 10000, 0)).toBe(0);
  });
});

describe('reportPeriod', () => {
  it('reads a China-time day, month or range of days', () => {
    expect(reportPeriod('2026-11-11')).toEqual({ ok: true, from: new Date('2026-11-10T16:00:00Z'), to: new Date('2026-11-11T16:00:00Z') });
    expect(reportPeriod('2026-12')).toEqual({ ok: true, from: new Date('2026-11-30T16:00:00Z'), to: new Date('2026-12-31T16:00:00Z') });
    expect(reportPeriod('2026-11-01..2026-11-15')).toEqual({ ok: true, from: new Date('2026-10-31T16:00:00Z'), to: new Date('2026-11-15T16:00:00Z') });
    expect(reportPeriod('2026-02-30')).toMatchObject({ ok: false });
    expect(reportPeriod('2026-11-15..2026-11-01')).toEqual({ ok: false, problem: 'the last day comes before the first: "2026-11-15..2026-11-01"' });
  });
});

describe('sniffEncoding', () => {
  it('tells GBK from UTF-8, even with a character cut at the end of the sample', () => {
    expect(sniffEncoding(iconv.encode('账务流水号,业务流水号', 'gbk'))).toBe('gbk');
    expect(sniffEncoding(Buffer.from('\uFEFF动账时间', 'utf8'))).toBe('utf8');
    expect(sniffEncoding(Buffer.from('商户订单号', 'utf8').subarray(0, 14))).toBe('utf8');
  });
});
