import { describe, expect, it } from 'vitest';
import { appendRates } from './rate-history.ts';
import { sparkline } from './sparkline.ts';

describe('sparkline', () => {
  it('scales to the maximum and pads on the left', () => {
    expect(sparkline([0, 5, 10], 4)).toBe(' ▁▅█');
    expect(sparkline([0, 0], 2)).toBe('▁▁');
    expect(sparkline([1, 2, 3, 4], 2)).toBe('▆█');
  });
});

describe('appendRates', () => {
  it('keeps the last readings per key and skips missing ones', () => {
    expect(appendRates<'a' | 'b'>({ a: [1, 2] }, { a: 3, b: null }, 2)).toEqual({ a: [2, 3] });
  });
});
