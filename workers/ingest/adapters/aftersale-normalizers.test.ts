import { describe, expect, it } from 'vitest';
import { DOUYIN_AFTERSALES } from '../../../scripts/simulators/platforms/douyin-aftersales.ts';
import { JD_AFTERSALES } from '../../../scripts/simulators/platforms/jd-aftersales.ts';
import { PDD_REFUNDS } from '../../../scripts/simulators/platforms/pdd-refunds.ts';
import type { AftersaleFormat, SimAftersale } from '../../../scripts/simulators/platforms/platform-aftersales.ts';
import { TMALL_REFUNDS } from '../../../scripts/simulators/platforms/tmall-refunds.ts';
import type { PlatformOrder } from '../../../scripts/simulators/platforms/order-store.ts';
import type { Channel } from '../../../streams/canonical-order.ts';
import { parsePayload } from '../payload-json.ts';
import { normalizeAftersale } from './normalize-aftersale.ts';

const AT = Date.UTC(2026, 10, 11, 2, 0, 0);
const record = (over: Partial<SimAftersale> = {}): SimAftersale => ({
  id: '7001',
  orderExternalId: '5002',
  orderSeq: 5002,
  lineIndex: 1,
  qty: 2,
  type: 'return_refund',
  status: 'returned',
  refundFen: 12345,
  reason: '尺码不合适',
  createdMs: AT,
  modifiedMs: AT + 60_000,
  returnWaybill: { company: '顺丰速运', waybill: 'SF7001' },
  ...over,
});
const order = {} as PlatformOrder<unknown>;

describe("each platform's after-sale record, read back", () => {
  const cases: [Channel, AftersaleFormat<unknown>, string, string][] = [
    ['tmall', TMALL_REFUNDS as AftersaleFormat<unknown>, '5002', '50021'],
    ['jd', JD_AFTERSALES as AftersaleFormat<unknown>, '5002', '100000000001'],
    ['douyin', DOUYIN_AFTERSALES as AftersaleFormat<unknown>, '6900000000000005002', '6900000000000005001'],
    ['pdd', PDD_REFUNDS as AftersaleFormat<unknown>, '5002', '1234567800001'],
  ];
  it.each(cases)('%s: ids, line, units, refund, status and return waybill', (channel, format, orderId, lineId) => {
    const rendered = format.render(record({ orderExternalId: orderId }), order);
    const read = normalizeAftersale(channel, rendered);
    expect(read).toEqual({
      ok: true,
      ticket: expect.objectContaining({
        channel,
        platformTicketId: '7001',
        externalOrderId: orderId,
        type: 'return_refund',
        status: 'return_shipped',
        lines: [{ lineId, qty: 2 }],
        refundFen: 12345,
        modifiedAtMs: AT + 60_000,
        returnWaybill: { carrier: '顺丰速运', waybill: 'SF7001' },
      }),
    });
  });

  it.each(cases)('%s: a refund only granted reads as refunded, one refused as rejected', (channel, format, orderId) => {
    for (const [status, want] of [['success', 'refunded'], ['rejected', 'rejected'], ['closed', 'rejected'], ['requested', 'requested']] as const) {
      const read = normalizeAftersale(channel, format.render(record({ orderExternalId: orderId, type: 'refund_only', status, returnWaybill: undefined as never }), order));
      expect(read.ok && [read.ticket.type, read.ticket.status], `${channel} ${status}`).toEqual(['refund_only', want]);
    }
  });

  it('names every bad field of an unreadable record', () => {
    expect(normalizeAftersale('jd', { serviceId: 'S1', orderId: 'O1', customerExpect: 99, serviceStatus: 10010, skuId: 'K', serviceCount: 0, updateTime: 'yesterday' })).toEqual({
      ok: false,
      errors: [
        { path: 'customerExpect', message: 'must be one of 10, 20, 40, got 99' },
        { path: 'serviceCount', message: 'must be a positive integer, got 0' },
        { path: 'updateTime', message: expect.stringContaining('"yesterday"') },
      ],
    });
    expect(normalizeAftersale('shop', {})).toMatchObject({ ok: false });
  });
});

describe('a Shopify refund of the web shop', () => {
  // 9007199254740993 is 2^53 + 1: JSON.parse reads it as 9007199254740992, another refund.
  const text = `{"id":9007199254740993,"admin_graphql_api_id":"gid://shopify/Refund/9007199254740993","order_id":5069000001,"created_at":"2026-12-07T10:00:00+08:00","note":"不想要了",
    "refund_line_items":[{"id":1,"line_item_id":690000011,"quantity":1,"subtotal":"47.32","restock_type":"return"},{"id":2,"line_item_id":690000010,"quantity":2,"subtotal":"0.01","restock_type":"no_restock"}],
    "transactions":[{"kind":"refund","status":"success","amount":"47.32","currency":"CNY"},{"kind":"refund","status":"failure","amount":"47.32"},{"kind":"refund","status":"success","amount":"0.01"}]}`;

  it('is a completed refund of the exact fen its successful refund transactions returned, a return when a line is restocked as one', () => {
    const read = normalizeAftersale('shop', parsePayload(text));
    expect(read).toEqual({
      ok: true,
      ticket: {
        channel: 'shop',
        platformTicketId: '9007199254740993',
        externalOrderId: '5069000001',
        type: 'return_refund',
        status: 'refunded',
        platformStatus: 'refunded',
        lines: [
          { lineId: '690000011', qty: 1 },
          { lineId: '690000010', qty: 2 },
        ],
        refundFen: 4733,
        reason: '不想要了',
        modifiedAtMs: Date.UTC(2026, 11, 7, 2, 0, 0),
      },
    });
  });

  it('keeps its 64-bit id when a plain JSON.parse rounded it, from admin_graphql_api_id', () => {
    const read = normalizeAftersale('shop', JSON.parse(text));
    expect(read.ok && read.ticket.platformTicketId).toBe('9007199254740993');
    const { admin_graphql_api_id: _, ...bare } = JSON.parse(text) as Record<string, unknown>;
    expect(normalizeAftersale('shop', bare)).toEqual({ ok: false, errors: [{ path: 'id', message: expect.stringContaining('too large to be exact') }] });
  });

  it('is unreadable while no refund transaction has succeeded, naming the field', () => {
    const pending = { ...(parsePayload(text) as Record<string, unknown>), transactions: [{ kind: 'refund', status: 'pending', amount: '47.33' }], refund_line_items: [{ line_item_id: 1, quantity: 1, restock_type: 'lost' }] };
    expect(normalizeAftersale('shop', pending)).toEqual({
      ok: false,
      errors: [
        { path: 'refund_line_items[0].restock_type', message: 'must be one of no_restock, cancel, return, legacy_restock, got "lost"' },
        { path: 'transactions', message: expect.stringContaining('no successful refund transaction yet') },
      ],
    });
  });
});
