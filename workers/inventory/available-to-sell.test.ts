import { describe, expect, it } from 'vitest';
import { availableToSell } from './available-to-sell.ts';

describe('availableToSell', () => {
  it('keeps each channel its own safety stock back and never goes below zero', () => {
    const ats = availableToSell({ sku: 'TEA', available: 5, safety: new Map([['tmall', 2], ['jd', 9]]) });
    expect(Object.fromEntries(ats.map((a) => [a.channel, a.ats]))).toEqual({ tmall: 3, jd: 0, douyin: 5, pdd: 5, shop: 5, pos: 5 });
  });
});
