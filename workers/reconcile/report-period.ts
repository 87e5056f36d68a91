const CHINA_OFFSET_MS = 8 * 3600_000;

/**
 * A reconciliation period in China time: a day `2026-11-11`, a month `2026-11`, or days
 * `2026-11-01..2026-11-15` (both included). Returns the half-open instant range, or the problem.
 *
 * @example
 * reportPeriod('2026-11') // { ok: true, from: 2026-10-31T16:00:00Z, to: 2026-11-30T16:00:00Z }
 */
export function reportPeriod(text: string): { ok: true; from: Date; to: Date } | { ok: false; problem: string } {
  const day = (d: string): Date | undefined => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
    if (!m) return undefined;
    const utc = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    // 2026-02-30 rolls over into March: not a day.
    if (utc.toISOString().slice(0, 10) !== d) return undefined;
    return new Date(utc.getTime() - CHINA_OFFSET_MS);
  };
  const plusDays = (at: Date, n: number) => new Date(at.getTime() + n * 86_400_000);
  const month = /^(\d{4})-(\d{2})$/.exec(text);
  if (month) {
    const m = Number(month[2]);
    if (m < 1 || m > 12) return { ok: false, problem: `month ${month[2]} does not exist` };
    const next = m === 12 ? `${Number(month[1]) + 1}-01` : `${month[1]}-${String(m + 1).padStart(2, '0')}`;
    return { ok: true, from: new Date(`${text}-01T00:00:00+08:00`), to: new Date(`${next}-01T00:00:00+08:00`) };
  }
  const [first = '', last = first, ...rest] = text.split('..');
  const from = day(first);
  const to = day(last);
  if (rest.length > 0 || !from || !to) return { ok: false, problem: `must be a day (2026-11-11), a month (2026-11) or days (2026-11-01..2026-11-15), got ${JSON.stringify(text)}` };
  if (to < from) return { ok: false, problem: `the last day comes before the first: ${JSON.stringify(text)}` };
  return { ok: true, from, to: plusDays(to, 1) };
}
