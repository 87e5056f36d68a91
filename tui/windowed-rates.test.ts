import { describe, expect, it } from 'vitest';
import { knownConsoleData } from './fixtures/known-console-data.ts';
import { windowedRates } from './windowed-rates.ts';

describe('windowedRates', () => {
  it('averages over the window, forgetting older readings', () => {
    const stages = knownConsoleData().stages.slice(0, 1);
    const at = (ms: number, done: number, last: number) => ({ at: ms, seqs: { ingest: { done, last } } });
    const ingest = { ...stages[0]!, doneSeq: 600, lastSeq: 700 };
    const out = windowedRates([at(0, 0, 0), at(4000, 400, 500)], [ingest], 6000, 5000);
    // The reading at 0 is older than 5 s: from 4 s to 6 s, 200 done and 200 in.
    expect(out.stages[0]).toMatchObject({ ratePerSecond: 100, inRatePerSecond: 100 });
    expect(out.samples.map((s) => s.at)).toEqual([4000, 6000]);
  });
  it('keeps the stage as it is on the first reading', () => {
    const stages = knownConsoleData().stages;
    expect(windowedRates([], stages, 1000, 5000).stages).toEqual(stages);
  });
});
