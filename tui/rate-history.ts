/**
 * Appends one reading per key to a bounded history, oldest first: the sparklines' data. Keys
 * without a reading this time get none (a gap is not a zero); histories keep at most `keep`.
 *
 * @example
 * appendRates({ ingest: [1, 2] }, { ingest: 3 }, 2) // { ingest: [2, 3] }
 */
export function appendRates<K extends string>(history: Partial<Record<K, number[]>>, readings: Partial<Record<K, number | null>>, keep: number): Partial<Record<K, number[]>> {
  const next: Partial<Record<K, number[]>> = { ...history };
  for (const [key, value] of Object.entries(readings) as [K, number | null | undefined][]) {
    if (value === null || value === undefined) continue;
    next[key] = [...(history[key] ?? []), value].slice(-keep);
  }
  return next;
}
