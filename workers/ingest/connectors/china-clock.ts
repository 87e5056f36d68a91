/**
 * China time (UTC+8, no daylight saving) as platform APIs write it. Parsing lives with the
 * adapters (`../adapters/china-time.ts`); this is the other direction, for request parameters
 * and for the days the count check compares.
 */

const CHINA_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 24 * 3600_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar day in China time: `[startMs, endMs)`. */
export interface ChinaDay {
  /** `YYYY-MM-DD`. */
  date: string;
  startMs: number;
  /** Exclusive: the next day's midnight. */
  endMs: number;
}

/** `"yyyy-MM-dd HH:mm:ss"` in China time, as TOP, JD and Pinduoduo write it. */
export function formatChinaTime(epochMs: number): string {
  return new Date(epochMs + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** ISO-8601 with the +08:00 offset, as Shopify writes a shop's local time. */
export function formatChinaIso(epochMs: number): string {
  return `${new Date(epochMs + CHINA_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** The China-time day `YYYY-MM-DD`, or undefined when `date` is not a calendar date. */
export function parseChinaDay(date: string): ChinaDay | undefined {
  const m = DAY.exec(date);
  if (!m) return undefined;
  const utcMidnight = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2026-02-30 over into March: a date that does not survive the round trip is not one.
  if (new Date(utcMidnight).toISOString().slice(0, 10) !== date) return undefined;
  const startMs = utcMidnight - CHINA_OFFSET_MS;
  return { date, startMs, endMs: startMs + DAY_MS };
}

/** The China-time day an instant falls on, `YYYY-MM-DD`. */
export function chinaDateOf(epochMs: number): string {
  return new Date(epochMs + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** Platform times are whole seconds: windows and cursors are too. */
export function floorToSecond(epochMs: number): number {
  return Math.floor(epochMs / 1000) * 1000;
}
