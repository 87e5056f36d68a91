import { describe, expect, it } from 'vitest';
import { INITIAL_PEAK_STATE, type PeakState } from '../../streams/peak-mode.ts';
import { decidePeak, FRESH_MEMORY, type GuardMemory, type PeakRules } from './decide-peak.ts';

const rules: PeakRules = { enterPerMinute: 50, enterWindowSeconds: 10, exitPerMinute: 40, cooldownSeconds: 20 };

/** Feeds one sample a second and returns the active flag after each; `saturated` marks the seconds the core backlog was at its limit. */
function run(rates: number[], start: PeakState = INITIAL_PEAK_STATE, saturated: (second: number) => boolean = () => false): boolean[] {
  let state = start;
  let memory: GuardMemory = FRESH_MEMORY;
  return rates.map((rate, second) => {
    const { next, memory: kept } = decidePeak(state, rate, second * 1000, memory, rules, saturated(second));
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

  it('does not leave peak mode while admission holds intake back, however low the inflow it lets in', () => {
    // An overload: the core backlog at its limit from second 15 to 60, so the inflow measured drops to what the core takes.
    const held = (second: number): boolean => second >= 15 && second < 60;
    const active = run([...Array(15).fill(60), ...Array(45).fill(0), ...Array(21).fill(0)], INITIAL_PEAK_STATE, held);
    expect(active.slice(10, 80).every(Boolean)).toBe(true); // the cool-down starts only once intake is free again
    expect(active.at(-1)).toBe(false);
  });

  it('enters peak mode when the core stays saturated for the enter window, even at a low measured inflow', () => {
    const active = run(Array(12).fill(20), INITIAL_PEAK_STATE, () => true);
    expect(active.indexOf(true)).toBe(10);
  });
});
