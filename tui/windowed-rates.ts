import type { StageSnapshot } from './pipeline-snapshot.ts';

/** One reading of every stage's sequences. */
export interface SeqSample {
  at: number;
  seqs: Record<string, { done: number; last: number }>;
}

/**
 * Stages with their rates taken over the readings of the last `windowMs` instead of the last
 * second: workers ack in batches, so a one-second rate jumps between 0 and twice the flow.
 * Returns the stages and the samples to keep for the next call.
 *
 * @example
 * windowedRates(samples, snapshot.stages, Date.now(), 5000)
 */
export function windowedRates(samples: readonly SeqSample[], stages: readonly StageSnapshot[], now: number, windowMs: number): { stages: StageSnapshot[]; samples: SeqSample[] } {
  const current: SeqSample = { at: now, seqs: Object.fromEntries(stages.map((s) => [s.stage, { done: s.doneSeq, last: s.lastSeq }])) };
  const kept = [...samples.filter((s) => now - s.at <= windowMs), current];
  const first = kept[0]!;
  const seconds = (now - first.at) / 1000;
  return {
    samples: kept,
    stages: stages.map((s) => {
      const before = first.seqs[s.stage];
      if (!before || seconds <= 0) return s;
      return { ...s, ratePerSecond: Math.max(0, s.doneSeq - before.done) / seconds, inRatePerSecond: Math.max(0, s.lastSeq - before.last) / seconds };
    }),
  };
}
