import { describe, expect, it } from 'vitest';
import { trackReplay } from './replay-progress.ts';

describe('trackReplay', () => {
  it('counts from the last reading in peak mode', () => {
    let t = trackReplay(undefined, 10, 0, false);
    expect(t.progress).toBeNull();
    t = trackReplay(t.baseline, 10, 50, true);
    expect(t.progress).toEqual({ done: 0, waiting: 50 });
    t = trackReplay(t.baseline, 30, 30, false);
    expect(t.progress).toEqual({ done: 20, waiting: 30 });
    t = trackReplay(t.baseline, 60, 0, false);
    expect(t.progress).toEqual({ done: 50, waiting: 0 });
  });
  it('starts again when the consumer was recreated (its count went back)', () => {
    expect(trackReplay(100, 5, 3, false)).toEqual({ baseline: 5, progress: { done: 0, waiting: 3 } });
  });
});
