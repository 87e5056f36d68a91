import type { Criticality } from '../../streams/pipeline.ts';

/** How many messages a stage's runner may hold, in and out of peak mode. */
export interface InFlightLimits {
  /** Messages a stage holds unacked at most, normally. */
  concurrency: number;
  /** What a core stage may hold while peak mode is on (at least `concurrency`). */
  peakConcurrency: number;
  /** Messages per handler call: a non-core stage keeps one batch going in a peak. */
  batchSize: number;
}

/**
 * The messages a stage's runner may hold now. In peak mode the non-core stages' new work goes to
 * the deferred stream, so they keep only one batch going (for what was queued before the peak)
 * and the core stages get that capacity: they may hold up to `peakConcurrency`. Pure.
 *
 * @example
 * inFlightLimit('core', true, { concurrency: 1024, peakConcurrency: 2048, batchSize: 128 }) // 2048
 * inFlightLimit('deferrable', true, { concurrency: 1024, peakConcurrency: 2048, batchSize: 128 }) // 128
 */
export function inFlightLimit(criticality: Criticality, peakActive: boolean, limits: InFlightLimits): number {
  if (!peakActive) return limits.concurrency;
  if (criticality === 'core') return Math.max(limits.concurrency, limits.peakConcurrency);
  return Math.min(limits.concurrency, limits.batchSize);
}
