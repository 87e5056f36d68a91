import { InputError } from '../cli/run-action.ts';

/** How a figure reads against its thresholds: green, yellow, red. */
export type Level = 'ok' | 'warn' | 'alarm';

/** Yellow from `warn`, red from `alarm`. */
export interface Threshold {
  warn: number;
  alarm: number;
}

/** The console's colour thresholds; each configurable by its environment variable. */
export interface Thresholds {
  /** Messages waiting in a stage (pending + ack pending). */
  queueDepth: Threshold;
  /** Age of a stage's oldest message, seconds. */
  oldestAgeSeconds: Threshold;
  redelivered: Threshold;
  deadLetters: Threshold;
  /** Busy share of the CPU pool, 0..1. */
  poolUse: Threshold;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  queueDepth: { warn: 1000, alarm: 10_000 },
  oldestAgeSeconds: { warn: 10, alarm: 60 },
  redelivered: { warn: 1, alarm: 100 },
  deadLetters: { warn: 1, alarm: 100 },
  poolUse: { warn: 0.8, alarm: 0.95 },
};

/** The variable that sets each threshold, as `WARN,ALARM`. */
export const THRESHOLD_VARIABLES: Record<keyof Thresholds, string> = {
  queueDepth: 'ORDERSURGE_TUI_QUEUE_DEPTH',
  oldestAgeSeconds: 'ORDERSURGE_TUI_OLDEST_AGE_S',
  redelivered: 'ORDERSURGE_TUI_REDELIVERED',
  deadLetters: 'ORDERSURGE_TUI_DEAD_LETTERS',
  poolUse: 'ORDERSURGE_TUI_POOL_USE',
};

/**
 * @example
 * levelOf(1500, { warn: 1000, alarm: 10_000 }) // 'warn'
 */
export function levelOf(value: number, t: Threshold): Level {
  return value >= t.alarm ? 'alarm' : value >= t.warn ? 'warn' : 'ok';
}

export const LEVEL_COLOUR: Record<Level, 'green' | 'yellow' | 'red'> = { ok: 'green', warn: 'yellow', alarm: 'red' };

/** The thresholds with what the environment sets; a malformed value is an InputError naming the variable. */
export function thresholdsFromEnv(env: NodeJS.ProcessEnv = process.env): Thresholds {
  const result = { ...DEFAULT_THRESHOLDS };
  for (const [key, variable] of Object.entries(THRESHOLD_VARIABLES) as [keyof Thresholds, string][]) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const [warn, alarm, ...rest] = raw.split(',').map((p) => Number(p.trim()));
    if (warn === undefined || alarm === undefined || rest.length || !Number.isFinite(warn) || !Number.isFinite(alarm) || warn < 0 || alarm < warn) {
      throw new InputError(`${variable}: must be WARN,ALARM with 0 <= WARN <= ALARM, got ${JSON.stringify(raw)}`);
    }
    result[key] = { warn, alarm };
  }
  return result;
}

/** Props colouring a Text by level; none for a figure without one. */
export function tint(level: Level | null): { color?: 'green' | 'yellow' | 'red' } {
  return level === null ? {} : { color: LEVEL_COLOUR[level] };
}
