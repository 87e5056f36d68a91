import { describe, expect, it } from 'vitest';
import { inFlightLimit } from './in-flight-limit.ts';

const limits = { concurrency: 1024, peakConcurrency: 2048, batchSize: 128 };

describe('inFlightLimit', () => {
  it('is the configured concurrency for every stage outside peak mode', () => {
    for (const c of ['core', 'deferrable', 'sheddable'] as const) expect(inFlightLimit(c, false, limits)).toBe(1024);
  });

  it('gives core stages the peak concurrency and leaves non-core stages one batch in peak mode', () => {
    expect(inFlightLimit('core', true, limits)).toBe(2048);
    expect(inFlightLimit('deferrable', true, limits)).toBe(128);
    expect(inFlightLimit('sheddable', true, limits)).toBe(128);
  });

  it('never lowers a core stage below its normal concurrency, nor raises a non-core one above it', () => {
    expect(inFlightLimit('core', true, { concurrency: 1024, peakConcurrency: 100, batchSize: 128 })).toBe(1024);
    expect(inFlightLimit('sheddable', true, { concurrency: 64, peakConcurrency: 2048, batchSize: 128 })).toBe(64);
  });
});
