/**
 * How the console writes figures: short enough for an 80-column row.
 *
 * @example
 * count(15_300) // '15.3k'
 * seconds(95)   // '1m35s'
 */
export function count(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(n >= 1e5 ? 0 : 1)}k`;
  return String(Math.round(n));
}

/** A rate per second: one decimal below 10, whole above; '-' before there is one. */
export function rate(perSecond: number | null): string {
  if (perSecond === null) return '-';
  return perSecond < 10 ? perSecond.toFixed(1) : count(perSecond);
}

/** A duration in seconds as `4.2s`, `1m35s`, `2h05m`. */
export function seconds(s: number): string {
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A share 0..1 as a whole percentage; '-' when there is none. */
export function percent(share: number | null): string {
  return share === null ? '-' : `${Math.round(share * 100)}%`;
}

/** Bytes as MiB. */
export function mebibytes(bytes: number): string {
  return `${Math.round(bytes / 1024 ** 2)}MiB`;
}

/** A time of day (local), for "since" and "at". */
export function clock(at: Date): string {
  return at.toTimeString().slice(0, 8);
}
