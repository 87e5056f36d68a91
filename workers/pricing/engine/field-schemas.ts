import { z } from 'zod';
import { CHANNELS } from '../../../streams/canonical-order.ts';

/**
 * The largest amount an order, a line or a promotion may carry: 100 million yuan. Keeping every
 * amount far below 2^53 keeps the per-unit percentage arithmetic exact in plain numbers.
 */
export const MAX_AMOUNT = 10_000_000_000;

/** Renders a rejected value for an error message: strings quoted, structures named. */
export function showValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

type IssueInput = { readonly input?: unknown };

/** An error builder for one field: `must be X, got Y`, or `is required (must be X)` when absent. */
export function expecting(expectation: string): (issue: IssueInput) => string {
  return (issue) =>
    issue.input === undefined ? `is required (${expectation})` : `${expectation}, got ${showValue(issue.input)}`;
}

const FEN = 'must be an integer amount of fen';

/** An amount of money in integer fen, at least `min`. */
export function fenAmount(min = 0) {
  const floor = min === 0 ? 'must not be negative' : `must be at least ${min} fen`;
  return z
    .number({ error: expecting(FEN) })
    .int({ error: expecting(FEN) })
    .min(min, { error: expecting(floor) })
    .max(MAX_AMOUNT, { error: expecting(`must be at most ${MAX_AMOUNT} fen`) })
    .brand<'Fen'>();
}

const POSITIVE_INTEGER = 'must be a positive integer';

/** A count of units or a step (qty, nth, buy, free, ...): an integer >= 1. */
export const positiveCount = z
  .number({ error: expecting(POSITIVE_INTEGER) })
  .int({ error: expecting(POSITIVE_INTEGER) })
  .min(1, { error: expecting(POSITIVE_INTEGER) })
  .max(1_000_000, { error: expecting('must be at most 1000000') });

const PERCENT = 'must be an integer percentage from 0 to 100';

/** Whole percentages only, so half-up rounding per unit stays exact integer arithmetic. */
export const percent = z
  .number({ error: expecting(PERCENT) })
  .int({ error: expecting(PERCENT) })
  .min(0, { error: expecting(PERCENT) })
  .max(100, { error: expecting(PERCENT) });

export const text = z.string({ error: expecting('must be a non-empty string') }).min(1, {
  error: expecting('must be a non-empty string'),
});

export const flag = z.boolean({ error: expecting('must be true or false') });

const INSTANT = 'must be an ISO-8601 date-time with an offset, e.g. "2026-12-12T00:00:00+08:00"';

/**
 * An instant: ISO-8601 with `Z` or an explicit offset. A local time without an offset would mean
 * different instants on differently configured machines, so it is refused. Instants compare to
 * the millisecond.
 */
export const instant = z.iso
  .datetime({ offset: true, error: expecting(INSTANT) })
  // A value Date.parse cannot read would compare as NaN, which makes every window test false.
  .refine((value) => Number.isFinite(Date.parse(value)), { error: expecting(INSTANT) })
  // Instants compare to the millisecond; finer digits would be silently dropped at a window's edge.
  .refine((value) => !/\.\d{4,}/.test(value), { error: () => 'must not be more precise than a millisecond' });

export const channel = z.enum(CHANNELS, {
  error: (issue) =>
    issue.input === undefined
      ? `is required (one of ${CHANNELS.join(', ')})`
      : `unknown channel ${showValue(issue.input)}; expected one of ${CHANNELS.join(', ')}`,
});

/** A list that must name at least one entry when present: an empty scope is almost surely a mistake. */
export function nonEmptyList<T extends z.ZodType>(item: T, what: string) {
  return z
    .array(item, { error: expecting(`must be a list of ${what}`) })
    .min(1, { error: () => `must list at least one ${what.replace(/s$/, '')} (omit the field instead)` });
}
