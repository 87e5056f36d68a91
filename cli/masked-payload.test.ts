import { describe, expect, it } from 'vitest';
import { maskName } from '../streams/pii/mask.ts';
import { maskPhonesIn } from '../workers/ingest/adapters/phone.ts';
import { maskedPayload, shownAddress } from './masked-payload.ts';

describe('maskedPayload', () => {
  it('masks the phone, name and street of a raw platform payload, and keeps ids and amounts', () => {
    const shop = JSON.stringify({
      id: 5012345,
      name: '#1001',
      total_price: '99.00',
      shipping_address: { name: '林伟', address1: '星湖街 328 号', city: '苏州市', phone: '+86 138 0013 8000' },
      note: '到了打 13800138000 或 139-1234-5678',
    });
    const shown = JSON.parse(maskedPayload(shop));
    expect(shown).toEqual({
      id: 5012345,
      name: '#1001',
      total_price: '99.00',
      shipping_address: { name: '林*', address1: '星湖街 *****', city: '苏州市', phone: '138****8000' },
      note: '到了打 138****8000 或 139****5678',
    });
  });

  it('leaves the sealed contact out of a canonical order and keeps long order ids whole', () => {
    const order = JSON.stringify({ id: 'pdd:261212-123456789012345', externalId: '6920000000000000001', address: { receiver: '陆先生', phone: '137****4567', detail: '衡山路 10 号', contact: { phone: 'k1:abc=' } } });
    const shown = maskedPayload(order);
    expect(shown).not.toContain('contact');
    expect(shown).not.toContain('陆先生');
    expect(JSON.parse(shown)).toMatchObject({ id: 'pdd:261212-123456789012345', externalId: '6920000000000000001', address: { receiver: '陆**', phone: '137****4567' } });
  });

  it('masks mobile numbers in a payload that is not JSON, and in a reason', () => {
    expect(maskedPayload('{"phone":"13800138000",')).toBe('{"phone":"138****8000",');
    expect(maskPhonesIn('shipping_address.zip: must be text, got 13800138000 (order 6920000000000000001)')).toBe('shipping_address.zip: must be text, got 138****8000 (order 6920000000000000001)');
  });
});

describe('shownAddress', () => {
  it('shows no name, phone or full street, and never the sealed contact', () => {
    const shown = shownAddress({ province: '江苏省', provinceCode: '320000', city: '苏州市', district: '', street: '', detail: '星湖街 328 号 2 栋', receiver: '林伟', phone: '138****8000', postcode: '', contact: { receiver: 'k1:a', phone: 'k1:b', street: '', detail: 'k1:c' } });
    expect(shown).toEqual({ province: '江苏省', provinceCode: '320000', city: '苏州市', district: '', street: '', detail: '星湖街 ********', receiver: '林*', phone: '138****8000', postcode: '' });
    expect(maskName('')).toBe('');
  });
});
