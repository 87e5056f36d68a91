import { describe, expect, it } from 'vitest';
import { mergeKey, type MergeCandidate } from './merge-key.ts';

const order: MergeCandidate = {
  shop: 'tmall',
  buyer: '6200000001',
  paymentMethod: 'online',
  address: { province: '江苏省', provinceCode: '320000', city: '苏州市', district: '工业园区', street: '', detail: '星湖街 328 号', receiver: '林伟', phone: '138****8000', postcode: '215000' },
};
const on = { windowSeconds: 600 };

describe('mergeKey', () => {
  it('is the same for the same shop, buyer and address', () => {
    expect(mergeKey(order, on)).toBe(mergeKey({ ...order }, on));
    expect(mergeKey(order, on)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('differs across shops, buyers and addresses', () => {
    const key = mergeKey(order, on);
    // Two stores of one seller on the same platform: never one parcel.
    expect(mergeKey({ ...order, shop: 'tmall-outlet' }, on)).not.toBe(key);
    expect(mergeKey({ ...order, buyer: 'someone else' }, on)).not.toBe(key);
    expect(mergeKey({ ...order, address: { ...order.address, detail: '星湖街 329 号' } }, on)).not.toBe(key);
  });

  it('compares receiver and street by the fingerprint when there is one, not by the masked fields', () => {
    const contact = { receiver: 'k1:x', phone: 'k1:y', street: '', detail: 'k1:z' };
    const sealed = (fingerprint: string, detail: string): MergeCandidate => ({ ...order, address: { ...order.address, detail, receiver: '林*', contact: { ...contact, fingerprint } } });
    expect(mergeKey(sealed('k1:aa', '星湖街 ****'), on)).toBe(mergeKey(sealed('k1:aa', '星湖街 ****'), on));
    expect(mergeKey(sealed('k1:aa', '星湖街 ****'), on)).not.toBe(mergeKey(sealed('k1:bb', '星湖街 ****'), on));
    expect(mergeKey(sealed('k1:aa', '星湖街 ****'), on)).not.toBe(mergeKey(order, on));
  });

  it('never merges cash on delivery, an unknown buyer, or when merging is off', () => {
    expect(mergeKey({ ...order, paymentMethod: 'cod' }, on)).toBeNull();
    expect(mergeKey({ ...order, buyer: '' }, on)).toBeNull();
    expect(mergeKey(order, { windowSeconds: 0 })).toBeNull();
  });
});
