import { describe, expect, it } from 'vitest';
import { offeredBy } from '../bench/rate-schedule.ts';
import { loadProfile, parseStages, PROFILES } from './load-profiles.ts';

const options = { baseRate: 20, sustainable: 300, timeScale: 1 } as const;

describe('load profiles', () => {
  it('peak50x ramps from the baseline to 50 times it and back', () => {
    const p = loadProfile('peak50x', options);
    expect(Math.max(...p.schedule.map((s) => s.to))).toBe(1000);
    expect(p.schedule[0]).toEqual({ seconds: 30, from: 20, to: 20 });
    expect(p.schedule.at(-1)).toEqual({ seconds: 60, from: 20, to: 20 });
  });

  it('overload offers twice the given sustainable rate after a lead-in at it, and measures the rate itself when told auto', () => {
    expect(loadProfile('overload', options).schedule).toEqual([
      { seconds: 30, from: 300, to: 300 },
      { seconds: 120, from: 600, to: 600 },
    ]);
    const auto = loadProfile('overload', { ...options, sustainable: 'auto', timeScale: 0.1 });
    // The lead-in stays at least 30 s whatever the time scale.
    expect(auto.calibrate?.seconds).toBe(30);
    expect(auto.calibrate?.then(400).schedule).toEqual([{ seconds: 12, from: 800, to: 800 }]);
  });

  it('every profile ends within five minutes at the defaults', () => {
    for (const name of PROFILES) {
      const p = loadProfile(name, { ...options, sustainable: 'auto' });
      const seconds = p.schedule.reduce((n, s) => n + s.seconds, 0) + (p.calibrate ? p.calibrate.then(300).schedule.reduce((n, s) => n + s.seconds, 0) : 0);
      expect(seconds, name).toBeLessThanOrEqual(300);
    }
  });

  it('stages replace the schedule, k6-style, ramping from the previous target', () => {
    const stages = parseStages('30s:20,1m:1000,2m:1000,30s:0');
    expect(stages).toEqual([
      { seconds: 30, from: 0, to: 20 },
      { seconds: 60, from: 20, to: 1000 },
      { seconds: 120, from: 1000, to: 1000 },
      { seconds: 30, from: 1000, to: 0 },
    ]);
    const p = loadProfile('baseline', { ...options, stages, timeScale: 0.5 });
    expect(p.schedule.map((s) => s.seconds)).toEqual([15, 30, 60, 15]);
    expect(p.measured).toEqual({ from: 0, to: 120 });
    // The average rate of each ramp times its length: 15 s at 10/s, 30 s at 510/s, 60 s at 1000/s, 15 s at 500/s.
    expect(offeredBy(p.schedule, 120)).toBeCloseTo(150 + 15_300 + 60_000 + 7_500, 6);
  });

  it('refuses a stage it cannot read, naming it', () => {
    expect(() => parseStages('30s:20,fast:1000')).toThrow(/stage 2: expected DURATION:TARGET .* "fast:1000"/);
    expect(() => parseStages('0s:20')).toThrow(/stage 1: the duration must be above 0/);
    expect(() => loadProfile('overload', { ...options, stages: parseStages('10s:5') })).toThrow(/overload/);
  });
});
