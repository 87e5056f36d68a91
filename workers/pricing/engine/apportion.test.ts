import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fen, type Fen } from '../../../streams/money.ts';
import { apportion } from './apportion.ts';

const fens = (values: readonly number[]): Fen[] => values.map(fen);

describe('apportion', () => {
  it('splits in proportion when the shares are whole', () => {
    expect(apportion(fen(5000), fens([30000, 20000]))).toEqual([3000, 2000]);
  });

  it('gives the leftover fen to the largest fractional remainders', () => {
    // 100 × 1/6 = 16.67, 100 × 2/6 = 33.33, 100 × 3/6 = 50: floors 16 + 33 + 50 = 99, one fen to the .67.
    expect(apportion(fen(100), fens([100, 200, 300]))).toEqual([17, 33, 50]);
  });

  it('breaks equal remainders towards the earlier line', () => {
    expect(apportion(fen(100), fens([100, 100, 100]))).toEqual([34, 33, 33]);
    expect(apportion(fen(2), fens([5, 5, 5]))).toEqual([1, 1, 0]);
  });

  it('gives nothing to zero-amount (gift) lines', () => {
    expect(apportion(fen(7), fens([0, 3, 0, 4, 0]))).toEqual([0, 3, 0, 4, 0]);
    expect(apportion(fen(1), fens([0, 1, 1]))).toEqual([0, 1, 0]);
  });

  it('takes a line to 0 at most when the discount is the whole subtotal', () => {
    expect(apportion(fen(300), fens([100, 200]))).toEqual([100, 200]);
  });

  it('handles zero discount and no lines', () => {
    expect(apportion(fen(0), fens([0, 0]))).toEqual([0, 0]);
    expect(apportion(fen(0), [])).toEqual([]);
  });

  it('stays exact when total × subtotal passes 2^53 (BigInt path)', () => {
    const result = apportion(fen(9_999_999_999), fens([3_333_333_333, 3_333_333_333, 3_333_333_334]));
    expect(result).toEqual([3_333_333_333, 3_333_333_333, 3_333_333_333]);
    const uneven = apportion(fen(7_000_000_001), fens([9_000_000_000, 1_000_000_000]));
    // 6300000000.9 and 700000000.1: the leftover fen goes to the first.
    expect(uneven).toEqual([6_300_000_001, 700_000_000]);
  });

  it('refuses a discount larger than the amounts', () => {
    expect(() => apportion(fen(11), fens([5, 5]))).toThrow(RangeError);
  });

  it('adds up, stays within each line, and is within one fen of the exact share', () => {
    const input = fc
      .array(fc.integer({ min: 0, max: 2_000_000 }), { minLength: 1, maxLength: 12 })
      .chain((amounts) => {
        const sum = amounts.reduce((a, b) => a + b, 0);
        return fc.tuple(fc.constant(amounts), fc.integer({ min: 0, max: sum }));
      });
    fc.assert(
      fc.property(input, ([amounts, total]) => {
        const shares = apportion(fen(total), fens(amounts));
        const sum = amounts.reduce((a, b) => a + b, 0);
        expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
        shares.forEach((share, i) => {
          const amount = amounts[i] ?? 0;
          expect(share).toBeGreaterThanOrEqual(0);
          expect(share).toBeLessThanOrEqual(amount);
          // |share - total × amount / sum| < 1, checked in integers (nothing to share when sum is 0).
          if (sum > 0) expect(Math.abs(share * sum - total * amount)).toBeLessThan(sum);
          else expect(share).toBe(0);
        });
      }),
      { numRuns: 300 },
    );
  });
});
