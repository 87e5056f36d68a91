/**
 * Progress of the deferred-work replay from the replay consumers' acknowledged count: counted
 * from the last moment peak mode was on (nothing replays then), or from the first reading when
 * the console started after the peak. Null when nothing was replayed and nothing waits.
 *
 * @example
 * trackReplay(100, 130, 70, false) // { baseline: 100, progress: { done: 30, waiting: 70 } }
 */
export function trackReplay(baseline: number | undefined, acked: number, waiting: number, peakActive: boolean): { baseline: number; progress: { done: number; waiting: number } | null } {
  const from = baseline === undefined || peakActive || acked < baseline ? acked : baseline;
  const done = acked - from;
  return { baseline: from, progress: done === 0 && waiting === 0 ? null : { done, waiting } };
}
