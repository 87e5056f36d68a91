import { describe, expect, it } from 'vitest';
import { fromEpochSeconds, parseChinaTime } from './china-time.ts';

const INSTANT = { iso: '2024-11-11T02:00:00.000Z', epochMs: Date.UTC(2024, 10, 11, 2) };

describe('parseChinaTime', () => {
  it.each([
    '2024-11-11 10:00:00',
    ' 2024-11-11 10:00:00 ',
    '2024-11-11T10:00:00',
    '2024-11-11T10:00:00+08:00',
    '2024-11-11T10:00:00+0800',
    '2024-11-11T02:00:00Z',
    '2024-11-10T21:00:00-05:00',
    '2024-11-11 10:00',
    '2024-11-11T10:00:00.000+08:00',
    1731290400,
    '1731290400',
  ])('reads %j as the same instant', (value) => {
    expect(parseChinaTime(value)).toEqual({ ok: true, instant: INSTANT });
  });

  it('keeps milliseconds', () => {
    expect(parseChinaTime('2024-11-11 10:00:00.5')).toEqual({
      ok: true,
      instant: { iso: '2024-11-11T02:00:00.500Z', epochMs: INSTANT.epochMs + 500 },
    });
  });

  it.each([
    ['2024-02-30 10:00:00', 'is not a calendar date'],
    ['2023-02-29 10:00:00', 'is not a calendar date'],
    ['2024-11-11 24:00:00', 'is not a time of day'],
    ['1969-12-31 23:59:59', 'has an impossible year (1970-2099 only)'],
    ['2024-11-11T10:00:00+15:00', 'has an impossible zone offset'],
    ['yesterday', 'must be a date-time like "2024-11-11 10:00:00" or ISO-8601 with an offset'],
    [1731290400000, 'must be epoch seconds, not milliseconds'],
    [-1, 'must be positive epoch seconds'],
    [Number.NaN, 'must be positive epoch seconds'],
    [{}, 'must be a date-time string or epoch seconds'],
  ])('rejects %j: %s', (value, problem) => {
    expect(parseChinaTime(value)).toEqual({ ok: false, problem });
  });

  it('accepts the leap day of a leap year', () => {
    expect(parseChinaTime('2024-02-29 08:00:00')).toMatchObject({ ok: true, instant: { iso: '2024-02-29T00:00:00.000Z' } });
  });
});

describe('fromEpochSeconds', () => {
  it('converts seconds to an instant', () => {
    expect(fromEpochSeconds(1731290400)).toEqual({ ok: true, instant: INSTANT });
  });
});
