/** A point in time, both as the canonical ISO-8601 instant and as epoch milliseconds. */
export interface Instant {
  /** UTC ISO-8601, e.g. `2024-11-11T02:00:00.000Z`. */
  iso: string;
  epochMs: number;
}

/** `problem` says what is wrong without repeating the value, for the caller to add. */
export type TimeParse = { ok: true; instant: Instant } | { ok: false; problem: string };

const CHINA_OFFSET_MINUTES = 8 * 60;
// Orders placed before 1970 or after 2100 are not real; bounding also keeps Date.UTC away from
// its two-digit-year quirk.
const MIN_YEAR = 1970;
const MAX_YEAR = 2100;
const MAX_EPOCH_SECONDS = Date.UTC(MAX_YEAR, 0, 1) / 1000;

const DATE_TIME =
  /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const DIGITS = /^\d+$/;

/**
 * Reads a platform time: `"yyyy-MM-dd HH:mm:ss"` without a zone is China time (+08:00), ISO-8601
 * with `Z` or an offset is taken as given, and a number (or a string of digits) is epoch seconds.
 *
 * @example
 * parseChinaTime('2024-11-11 10:00:00')        // instant.iso '2024-11-11T02:00:00.000Z'
 * parseChinaTime('2024-11-11T10:00:00+08:00')  // the same instant
 * parseChinaTime(1731290400)                   // the same instant
 */
export function parseChinaTime(value: unknown): TimeParse {
  if (typeof value === 'number') return fromEpochSeconds(value);
  if (typeof value !== 'string') return { ok: false, problem: 'must be a date-time string or epoch seconds' };
  const text = value.trim();
  if (DIGITS.test(text)) return fromEpochSeconds(Number(text));
  const m = DATE_TIME.exec(text);
  if (!m) return { ok: false, problem: 'must be a date-time like "2024-11-11 10:00:00" or ISO-8601 with an offset' };
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6] ?? '0');
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  if (year < MIN_YEAR || year >= MAX_YEAR) return { ok: false, problem: `has an impossible year (${MIN_YEAR}-${MAX_YEAR - 1} only)` };
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, problem: 'is not a calendar date' };
  }
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, problem: 'is not a time of day' };
  const offset = m[8] === undefined ? CHINA_OFFSET_MINUTES : offsetMinutes(m[8]);
  if (offset === undefined) return { ok: false, problem: 'has an impossible zone offset' };
  const epochMs = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset * 60_000;
  return { ok: true, instant: { iso: new Date(epochMs).toISOString(), epochMs } };
}

/** Converts epoch seconds (Douyin, some JD APIs) to an instant. */
export function fromEpochSeconds(seconds: number): TimeParse {
  if (!Number.isFinite(seconds) || seconds <= 0) return { ok: false, problem: 'must be positive epoch seconds' };
  if (seconds >= MAX_EPOCH_SECONDS) {
    return { ok: false, problem: 'must be epoch seconds, not milliseconds' };
  }
  const epochMs = Math.round(seconds * 1000);
  return { ok: true, instant: { iso: new Date(epochMs).toISOString(), epochMs } };
}

function offsetMinutes(zone: string): number | undefined {
  if (zone === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (hours > 14 || minutes > 59) return undefined;
  const total = hours * 60 + minutes;
  return zone.startsWith('-') ? -total : total;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}
