import { describe, expect, it } from 'vitest';
import { formatYuan, parseFen, parseYuan } from './money.ts';

describe('parseYuan', () => {
  it.each([
    ['199.00', 19900],
    ['199', 19900],
    [199.5, 19950],
    ['0.1', 10],
    [0.1, 10],
    ['0.07', 7],
    [' 12.30 ', 1230],
    [0, 0],
  ])('%j is %i fen', (input, expected) => {
    expect(parseYuan(input)).toEqual({ ok: true, fen: expected });
  });

  it.each([['1.005'], ['-1.00'], [-3], ['abc'], [''], [null], [{}], [Number.NaN], ['1e5'], [1e300]])(
    'rejects %j',
    (input) => {
      expect(parseYuan(input).ok).toBe(false);
    },
  );

  it('names the problem', () => {
    expect(parseYuan('1.005')).toEqual({ ok: false, problem: 'has more than two decimals: "1.005"' });
  });
});

describe('parseFen', () => {
  it('accepts integers and rejects fractions and negatives', () => {
    expect(parseFen(123)).toEqual({ ok: true, fen: 123 });
    expect(parseFen(1.5).ok).toBe(false);
    expect(parseFen(-1).ok).toBe(false);
    expect(parseFen('12').ok).toBe(false);
  });
});

describe('formatYuan', () => {
  it('prints two decimals', () => {
    expect(formatYuan(29850)).toBe('298.50');
    expect(formatYuan(7)).toBe('0.07');
    expect(formatYuan(-150)).toBe('-1.50');
  });
});
