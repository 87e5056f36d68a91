import { describe, expect, it } from 'vitest';
import { canonicalOrderSchema } from '../../../streams/canonical-order.ts';
import { errorLines, fixtureWith, normalizedFixture } from '../../../test/fixtures/channels/adapter-test-kit.ts';
import { fixtureNames, loadFixture } from '../../../test/fixtures/channels/load-fixture.ts';
import { normalizePos } from './pos.ts';

const normalized = (name: string) => normalizedFixture(normalizePos, 'pos', name);
const withChanges = (name: string, change: (payload: any) => void) => fixtureWith('pos', name, change);

describe('normalizePos', () => {
  it.each(fixtureNames('pos'))('turns %s into a valid canonical order that keeps the payload', (name) => {
    const payload = loadFixture('pos', name);
    const result = normalizePos(payload);
    expect(errorLines(result)).toEqual([]);
    if (!result.ok) return;
    expect(canonicalOrderSchema.parse(result.order)).toBeTruthy();
    expect(result.order.raw).toBe(payload);
  });

  it('maps a carried-out sale paid two ways as completed, with no address', () => {
    const order = normalized('carry-out-mixed-payment.json');
    expect(order).toMatchObject({
      id: 'pos:SH001-000123',
      channel: 'pos',
      externalId: 'SH001-000123',
      channelStatus: 'completed',
      refundStatus: 'none',
      placedAt: '2025-03-15T06:32:05.000Z',
      paidAt: '2025-03-15T06:32:05.000Z',
      updatedAt: '2025-03-15T06:32:05.000Z',
      version: Date.parse('2025-03-15T06:32:05Z'),
      buyer: 'M20240001',
      coupons: [],
      buyerMessage: '',
      sellerMemo: '',
      paymentMethod: 'online',
    });
    expect(order.address).toEqual({
      province: '',
      provinceCode: '',
      city: '',
      district: '',
      street: '',
      detail: '',
      receiver: '',
      phone: '',
      postcode: '',
    });
    expect(order.lines).toEqual([
      {
        lineId: '1',
        sku: 'TEA-LJ-250',
        platformSkuId: 'TEA-LJ-250',
        title: '西湖龙井 250g',
        qty: 1,
        unitPrice: 19900,
        payable: 17910,
        refundStatus: 'none',
        gift: false,
      },
      {
        lineId: '2',
        sku: 'CUP-WHITE',
        platformSkuId: 'CUP-WHITE',
        title: '白瓷盖碗',
        qty: 2,
        unitPrice: 4900,
        payable: 9800,
        refundStatus: 'none',
        gift: false,
      },
    ]);
    expect(order.amounts).toEqual({
      goods: 29700,
      discount: 1990,
      platformDiscount: 0,
      shopDiscount: 1990,
      shipping: 0,
      paid: 27710,
    });
  });

  it('maps a sale delivered home as paid, masking the phone', () => {
    const order = normalized('home-delivery-gift.json');
    expect(order).toMatchObject({ externalId: 'SH001-124', channelStatus: 'paid', buyer: '' });
    expect(order.address).toEqual({
      // In clear until the ingest pool task seals it.
      contact: { receiver: '陆先生', phone: '13761234567', street: '天平路街道', detail: '衡山路 10 号 2 楼（请按门铃🔔）' },
      province: '上海市',
      provinceCode: '310000',
      city: '上海市',
      district: '徐汇区',
      street: '天平路街道',
      detail: '衡山路 10 号 2 楼（请按门铃🔔）',
      receiver: '陆先生',
      phone: '137****4567',
      postcode: '200031',
    });
    expect(order.lines.map((l) => l.gift)).toEqual([false, true]);
    expect(order.amounts).toMatchObject({ goods: 59900, discount: 5000, paid: 54900 });
  });

  it('maps a voided ticket as cancelled', () => {
    const order = normalized('voided.json');
    expect(order).toMatchObject({ channelStatus: 'cancelled', placedAt: '2025-04-01T09:15:00.000Z' });
    expect(order.lines[0]).toMatchObject({ qty: 24, unitPrice: 200, payable: 4800 });
  });

  it('reports bad fields with their paths', () => {
    const result = normalizePos(
      withChanges('carry-out-mixed-payment.json', (p) => {
        delete p.storeId;
        p.status = 'refunded';
        p.items[0].unitPrice = 199.0001;
        p.items[1].sku = '   ';
        p.payments[1].method = 'bitcoin';
        p.payments[0].amount = -1;
      }),
    );
    expect(errorLines(result)).toEqual([
      'storeId: is required',
      'status: must be one of paid, voided, got "refunded"',
      'items[0].unitPrice: must be an integer amount of fen, got 199.0001',
      'items[1].sku: is required',
      'payments[0].amount: must not be negative, got -1',
      'payments[1].method: must be one of wechat, alipay, card, cash, got "bitcoin"',
    ]);
  });
});

describe('a changed ticket', () => {
  it('takes its version from modifiedAt, so a later void is newer than the sale', () => {
    const sale = loadFixture('pos', 'home-delivery-gift.json') as Record<string, unknown>;
    const voided = { ...sale, status: 'voided', modifiedAt: '2026-12-12T10:00:00+08:00' };
    const first = normalizePos(sale);
    const later = normalizePos(voided);
    if (!first.ok || !later.ok) throw new Error('fixture does not normalize');
    expect(later.order.version).toBe(Date.parse('2026-12-12T10:00:00+08:00'));
    expect(later.order.version).toBeGreaterThan(first.order.version);
    expect(later.order.channelStatus).toBe('cancelled');
  });
});
