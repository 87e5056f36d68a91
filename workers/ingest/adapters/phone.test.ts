import { describe, expect, it } from 'vitest';
import { looksLikePhone, maskIfPhone, maskPhone } from './phone.ts';

describe('maskPhone', () => {
  it.each([
    ['13800000000', '138****0000'],
    ['+86 138 0000 0000', '138****0000'],
    ['+86-138-0000-0000', '138****0000'],
    ['008613800000000', '138****0000'],
    ['138****0000', '138****0000'],
    ['13800000000*', '138****0000'],
    ['１３８００００００００', '138****0000'],
    ['1**********', '1**********'],
    ['010-62345678', '010****5678'],
    ['62345678', '****5678'],
    ['+852 9123 4567', '852****4567'],
    ['12345', '*****'],
    ['', ''],
    ['  ', ''],
    ['无', ''],
  ])('masks %j as %j', (value, masked) => {
    expect(maskPhone(value)).toBe(masked);
  });

  it('never leaves a run of more than four digits of an unmasked number', () => {
    for (const value of ['13912345678', '+86 139 1234 5678', '0891-6831234', '1234567', '85291234567']) {
      expect(maskPhone(value)).not.toMatch(/\d{5,}/);
    }
  });
});

describe('looksLikePhone / maskIfPhone', () => {
  it.each([
    ['13912345678', true],
    ['+86 139 1234 5678', true],
    ['tb_9527快乐', false],
    ['jd_7a1b2c3d4e', false],
    ['123', false],
  ])('%j looks like a phone: %s', (value, expected) => {
    expect(looksLikePhone(value)).toBe(expected);
  });

  it('masks only nicks that are phone numbers', () => {
    expect(maskIfPhone('13912345678')).toBe('139****5678');
    expect(maskIfPhone('雪域高原')).toBe('雪域高原');
  });
});
