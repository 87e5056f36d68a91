import type { PeakState } from '../../streams/peak-mode.ts';

/** When the guard enters and leaves peak mode on its own (setting `auto`). */
export interface PeakRules {
  /** Inflow (orders/min into ingest) above which a peak may start. */
  enterPerMinute: number;
  /** How long the inflow must stay above it, in seconds. */
  enterWindowSeconds: number;
  /** Inflow below which a peak may end; below the enter threshold so the mode does not flap. */
  exitPerMinute: number;
  /** How long the inflow must stay below it, in seconds. */
  cooldownSeconds: number;
}

export const DEFAULT_PEAK_RULES: PeakRules = { enterPerMinute: 50, enterWindowSeconds: 600, exitPerMinute: 40, cooldownSeconds: 600 };

/** What the guard remembers between samples: since when the inflow has been above or below. */
export interface GuardMemory {
  aboveSince: number | null;
  belowSince: number | null;
}

export const FRESH_MEMORY: GuardMemory = { aboveSince: null, belowSince: null };

/**
 * The peak guard's decision, pure: given the stored state, the inflow measured at `nowMs` and
 * what it remembers, the state to store (undefined: no change) and the memory to keep. Forced
 * settings win; under `auto` the mode changes only after the inflow has stayed past a threshold
 * for its whole window, with a gap between the thresholds (hysteresis).
 *
 * `coreSaturated` (the core backlog at or near the admission limit) counts as inflow above the
 * threshold: while admission holds intake back, the inflow measured is what the core lets in,
 * not what is offered, so a low reading then does not mean the peak is over. (Leaving peak mode
 * in the middle of an overload hands the core's capacity back to the non-core stages.)
 *
 * @example
 * decidePeak(state, 120, Date.now(), memory, DEFAULT_PEAK_RULES) // { next: undefined | PeakState, memory }
 */
export function decidePeak(
  state: PeakState,
  perMinute: number,
  nowMs: number,
  memory: GuardMemory,
  rules: PeakRules,
  coreSaturated = false,
): { next: PeakState | undefined; memory: GuardMemory } {
  const change = (active: boolean, reason: string): PeakState => ({ ...state, active, reason, since: new Date(nowMs).toISOString(), changedBy: 'peak guard' });
  if (state.setting !== 'auto') {
    const active = state.setting === 'on';
    return { next: state.active === active ? undefined : change(active, `forced ${state.setting}`), memory: FRESH_MEMORY };
  }
  const rate = Math.round(perMinute);
  const next: GuardMemory = {
    aboveSince: perMinute > rules.enterPerMinute || coreSaturated ? (memory.aboveSince ?? nowMs) : null,
    belowSince: perMinute < rules.exitPerMinute && !coreSaturated ? (memory.belowSince ?? nowMs) : null,
  };
  if (!state.active && next.aboveSince !== null && nowMs - next.aboveSince >= rules.enterWindowSeconds * 1000) {
    const why = perMinute > rules.enterPerMinute ? `inflow ${rate}/min above ${rules.enterPerMinute}/min` : 'core backlog at its admission limit';
    return { next: change(true, `${why} for ${rules.enterWindowSeconds} s`), memory: next };
  }
  if (state.active && next.belowSince !== null && nowMs - next.belowSince >= rules.cooldownSeconds * 1000) {
    return { next: change(false, `inflow ${rate}/min below ${rules.exitPerMinute}/min for ${rules.cooldownSeconds} s`), memory: next };
  }
  return { next: undefined, memory: next };
}
