import { describe, expect, it } from 'vitest';
import { alertWindow, decideExceptionAlert, periodStart, type ExceptionAlertRule, type PeriodCounts } from './exception-alert.ts';

const rule: ExceptionAlertRule = { limit: 0.1, periods: 3, periodSeconds: 86_400 };

/** Periods with the given exception counts out of 100 orders each, oldest first. */
function periods(...exceptions: number[]): PeriodCounts[] {
  return exceptions.map((n, i) => ({ start: new Date(i * 86_400_000), end: new Date((i + 1) * 86_400_000), orders: 100, exceptions: n }));
}

describe('decideExceptionAlert', () => {
  it('fires with the Nth consecutive period over the limit, not with the N-1th', () => {
    expect(decideExceptionAlert(periods(0, 10, 10), rule)).toEqual({ firing: false, periods: 2, transition: 'none' });
    expect(decideExceptionAlert(periods(0, 10, 10, 10), rule)).toEqual({ firing: true, periods: 3, transition: 'fire' });
  });

  it('counts a period at exactly the limit as over it, and one a hair under as not', () => {
    expect(decideExceptionAlert(periods(5, 10, 10, 10), rule).transition).toBe('fire');
    expect(decideExceptionAlert(periods(5, 10, 9, 10), rule)).toEqual({ firing: false, periods: 1, transition: 'none' });
  });

  it('keeps firing without a new transition while periods stay over, and clears with the first under', () => {
    expect(decideExceptionAlert(periods(10, 10, 10, 20), rule)).toEqual({ firing: true, periods: 4, transition: 'none' });
    expect(decideExceptionAlert(periods(10, 10, 10, 9), rule)).toEqual({ firing: false, periods: 0, transition: 'clear' });
  });

  it('does not count a period without orders as over the limit', () => {
    const quiet = periods(10, 10, 0, 10);
    quiet[2] = { ...quiet[2]!, orders: 0, exceptions: 0 };
    expect(decideExceptionAlert(quiet, rule)).toEqual({ firing: false, periods: 1, transition: 'none' });
  });

  it('fires with one period when the rule asks for one', () => {
    expect(decideExceptionAlert(periods(0, 50), { ...rule, periods: 1 })).toEqual({ firing: true, periods: 1, transition: 'fire' });
  });
});

describe('periods', () => {
  it('start at China-time midnight for a day', () => {
    expect(periodStart(new Date('2026-11-11T15:59:59Z'), 86_400).toISOString()).toBe('2026-11-10T16:00:00.000Z');
    expect(periodStart(new Date('2026-11-11T16:00:00Z'), 86_400).toISOString()).toBe('2026-11-11T16:00:00.000Z');
  });

  it('the window is the N+1 complete periods before the current one', () => {
    const w = alertWindow(new Date('2026-11-12T03:00:00Z'), rule);
    expect(w).toEqual({ start: new Date('2026-11-07T16:00:00Z'), end: new Date('2026-11-11T16:00:00Z'), count: 4 });
  });
});
