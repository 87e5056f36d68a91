import { describe, expect, it } from 'vitest';
import { buyerRoute } from './buyer-reach.ts';

describe('buyerRoute', () => {
  it('texts a number that reaches the buyer: own channels, and a marketplace virtual number', () => {
    expect(buyerRoute('shop:5012345', '13900000101')).toEqual({ via: 'sms', phone: '13900000101' });
    expect(buyerRoute('jd:88', '17000000088')).toEqual({ via: 'sms', phone: '17000000088' });
  });
  it('sends through the marketplace when it gave only a masked number, under the order external id', () => {
    expect(buyerRoute('tmall:301', '')).toEqual({ via: 'platform', channel: 'tmall', externalId: '301' });
    expect(buyerRoute('pdd:261111-000000070000004', '')).toEqual({ via: 'platform', channel: 'pdd', externalId: '261111-000000070000004' });
    expect(buyerRoute('douyin:69', '')).toMatchObject({ via: 'platform', channel: 'douyin' });
  });
  it('leaves an own-channel order without a number to the SMS gateway, as before', () => {
    expect(buyerRoute('pos:HZ001-7', '')).toEqual({ via: 'sms', phone: '' });
  });
});
