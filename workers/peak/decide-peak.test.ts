import { describe, expect, it } from 'vitest';
import { INITIAL_PEAK_STATE, type PeakState } from '../../streams/peak-mode.ts';
import { decidePeak, FRESH_MEMORY, type GuardMemory, type PeakRules } from './decide-peak.ts';

const rules: PeakRules = { enterPerMinute: 50, enterWindowSeconds: 10, exitPerMinute: 40, cooldownSeconds: 20 };

/** Feeds one sample a second and returns the active flag after each. */
function run(rates: number[], start: PeakState = INITIAL_PEAK_STATE): boolean[] {
  let state = start;
  let memory: GuardMemory = FRESH_MEMORY;
  return rates.map((rate, second) => {
    const { next, memory: kept } = decidePeak(state, rate, second * 1000, memory, rules);
    memory = kept;
    if (next) state = next;
    return state.active;
  });
}

describe('decidePeak', () => {
  it('enters only after the inflow stayed above the threshold for the whole window', () => {
    const active = run([...Array(10).fill(60), 30, ...Array(11).fill(60)]);
    expect(active.slice(0, 11).every((a) => !a)).toBe(true); // a dip at second 10 restarts the window
    expect(active.indexOf(true)).toBe(21);
  });

  it('does not flap between the thresholds, and leaves after the cool-down', () => {
    const active = run([...Array(11).fill(60), ...Array(30).fill(45), ...Array(21).fill(10)]);
    expect(active.slice(10, 41).every(Boolean)).toBe(true); // 45/min: under the enter, over the exit threshold
    expect(active.lastIndexOf(true)).toBe(60);
    expect(active.at(-1)).toBe(false);
  });

  it('obeys a forced setting at once, whatever the inflow', () => {
    expect(run([0, 0], { ...INITIAL_PEAK_STATE, setting: 'on' })).toEqual([true, true]);
    expect(run([999, 999], { ...INITIAL_PEAK_STATE, setting: 'off', active: true })).toEqual([false, false]);
  });
});
