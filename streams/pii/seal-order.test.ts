import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { normalizeShop } from '../../workers/ingest/adapters/shop.ts';
import { canonicalOrderSchema, type CanonicalOrder } from '../canonical-order.ts';
import { parsePiiKeyring } from './keyring.ts';
import { sealResult } from './seal-order.ts';
import { isSealedOrEmpty, openPii } from './sealed-value.ts';

const ring = parsePiiKeyring(`k1:${randomBytes(32).toString('base64')}`, 'test');

const payload = {
  id: 5012345,
  financial_status: 'paid',
  created_at: '2026-11-11T00:00:10+08:00',
  updated_at: '2026-11-11T00:00:10+08:00',
  total_price: '99.00',
  line_items: [{ id: 1, sku: 'TEA-1', title: '龙井', quantity: 1, price: '99.00' }],
  shipping_address: { name: '林伟', address1: '星湖街 328 号', address2: '2 栋 1201 室', city: '苏州市', province: 'Jiangsu', province_code: 'JS', zip: '215000', phone: '+86 138 0013 8000', country_code: 'CN' },
  billing_address: { phone: '13800138000' },
  note: '',
};

function sealedShopOrder(): CanonicalOrder {
  const result = sealResult(normalizeShop(payload), ring);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.order;
}

describe('sealResult', () => {
  it('leaves the phone in clear nowhere in the order, and no name or street in its raw payload', () => {
    const order = sealedShopOrder();
    for (const clear of ['13800138000', '138 0013 8000']) expect(JSON.stringify(order)).not.toContain(clear);
    for (const clear of ['林伟', '星湖街 328 号', '2 栋 1201 室']) expect(JSON.stringify(order.raw)).not.toContain(clear);
  });

  it('leaves no receiver or street in clear anywhere in the order', () => {
    const text = JSON.stringify(sealedShopOrder());
    for (const clear of ['林伟', '星湖街 328 号', '2 栋 1201 室']) expect(text).not.toContain(clear);
  });

  it('keeps the masked display values and what is not personal as they were', () => {
    const order = sealedShopOrder();
    expect(order.address).toMatchObject({ phone: '138****8000', receiver: '林*', detail: '星湖街 ********', province: '江苏省', city: '苏州市', postcode: '215000' });
    expect(order.address.contact?.fingerprint).toMatch(/^k1:[0-9a-f]{64}$/);
    expect((order.raw as { line_items: unknown[] }).line_items).toEqual(payload.line_items);
    expect((order.raw as { shipping_address: { city: string } }).shipping_address.city).toBe('苏州市');
  });

  it('seals what opens again to the full contact', () => {
    const order = sealedShopOrder();
    const contact = order.address.contact!;
    expect(openPii(contact.phone, ring)).toBe('+86 138 0013 8000');
    expect(openPii(contact.receiver, ring)).toBe('林伟');
    expect(openPii(contact.detail, ring)).toBe('星湖街 328 号 2 栋 1201 室');
    expect(openPii((order.raw as { shipping_address: { address2: string } }).shipping_address.address2, ring)).toBe('2 栋 1201 室');
    for (const value of [contact.receiver, contact.phone, contact.street, contact.detail]) expect(isSealedOrEmpty(value)).toBe(true);
    expect(canonicalOrderSchema.parse(order).address.contact).toEqual(contact);
  });
});
