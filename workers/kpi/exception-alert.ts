/**
 * The exception alert (product spec: "an alert fires when the exception rate stays above its limit
 * for a configured number of periods"), decided as a pure function of per-period counts.
 */

/** When the alert fires. */
export interface ExceptionAlertRule {
  /** A period is over the limit when its exception rate is at or above this ratio (the KPI's healthy limit is below it). */
  limit: number;
  /** Consecutive periods over the limit that fire the alert. */
  periods: number;
  /** Length of one period in seconds; periods start at China-time (UTC+8) multiples of it, so a day is a China-time day. */
  periodSeconds: number;
}

export const DEFAULT_EXCEPTION_ALERT: ExceptionAlertRule = { limit: 0.08, periods: 3, periodSeconds: 86_400 };

/** Orders of one period and how many of them became exceptions. */
export interface PeriodCounts {
  start: Date;
  end: Date;
  orders: number;
  exceptions: number;
}

export type AlertTransition = 'fire' | 'clear' | 'none';

export interface ExceptionAlertDecision {
  /** Whether the alert is firing as of the latest period. */
  firing: boolean;
  /** Consecutive periods over the limit, ending with the latest (at most the periods given). */
  periods: number;
  /** What changed with the latest period: the alert started, ended, or neither. */
  transition: AlertTransition;
}

const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** Start of the period holding `at`: periods are aligned to China time (UTC+8). */
export function periodStart(at: Date, periodSeconds: number): Date {
  const ms = periodSeconds * 1000;
  return new Date(Math.floor((at.getTime() + CHINA_OFFSET_MS) / ms) * ms - CHINA_OFFSET_MS);
}

/**
 * The complete periods the alert looks at as of `now`: the `rule.periods + 1` periods that
 * ended last (one more than the rule needs, to tell whether the alert was already firing).
 */
export function alertWindow(now: Date, rule: ExceptionAlertRule): { start: Date; end: Date; count: number } {
  const end = periodStart(now, rule.periodSeconds);
  const count = rule.periods + 1;
  return { start: new Date(end.getTime() - count * rule.periodSeconds * 1000), end, count };
}

/** A period is over the limit when it had orders and its exception rate is at or above the limit. */
export function overLimit(period: PeriodCounts, limit: number): boolean {
  return period.orders > 0 && period.exceptions / period.orders >= limit;
}

/**
 * Decides the alert from consecutive periods, oldest first (missing periods count as zero orders).
 * It fires with the period that completes `rule.periods` consecutive periods over the limit and
 * clears with the first period under it; so the decision for a given latest period is the same
 * whichever process makes it and however often.
 *
 * @example
 * decideExceptionAlert([p(0.09), p(0.10), p(0.12)], { limit: 0.08, periods: 3, periodSeconds: 86400 })
 * // { firing: true, periods: 3, transition: 'fire' }
 */
export function decideExceptionAlert(periods: readonly PeriodCounts[], rule: ExceptionAlertRule): ExceptionAlertDecision {
  const over = periods.map((p) => overLimit(p, rule.limit));
  const streak = (endExclusive: number): number => {
    let n = 0;
    for (let i = endExclusive - 1; i >= 0 && over[i]; i--) n++;
    return n;
  };
  const now = streak(over.length);
  const firing = now >= rule.periods;
  const wasFiring = over.length > 0 && streak(over.length - 1) >= rule.periods;
  return { firing, periods: now, transition: firing === wasFiring ? 'none' : firing ? 'fire' : 'clear' };
}
