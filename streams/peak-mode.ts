import { Kvm, type KV } from '@nats-io/kv';
import { z } from 'zod';
import type { Bus } from './connect.ts';
import type { Names } from './names.ts';
import { streamReplicas } from './stream-replicas.ts';

/** What operators set: follow the inflow (`auto`), or force peak mode `on` or `off`. */
export const PEAK_SETTINGS = ['auto', 'on', 'off'] as const;
export type PeakSetting = (typeof PEAK_SETTINGS)[number];

const peakStateSchema = z.object({
  setting: z.enum(PEAK_SETTINGS),
  /** Whether the pipeline is in peak mode now: non-core work goes to the deferred stream. */
  active: z.boolean(),
  reason: z.string(),
  /** When `active` last changed (ISO). */
  since: z.string(),
  changedBy: z.string(),
});
export type PeakState = z.infer<typeof peakStateSchema>;

export const INITIAL_PEAK_STATE: PeakState = { setting: 'auto', active: false, reason: 'not entered yet', since: new Date(0).toISOString(), changedBy: 'ordersurge' };

const KEY = 'mode';

/** The one place peak mode lives: a key in a NATS KV bucket every worker watches. */
export interface PeakStore {
  read(): Promise<{ state: PeakState; revision: number }>;
  /** Writes `state` only if nobody changed it since `revision` (0: only if never written); false when somebody did. */
  replace(state: PeakState, revision: number): Promise<boolean>;
  /** Calls `onChange` with the state now and after every change, until `signal` aborts. */
  watch(onChange: (state: PeakState) => void, signal: AbortSignal): Promise<void>;
}

/** Opens (creating when missing) the namespace's peak-mode bucket, replicated like the streams. */
export async function openPeakStore(bus: Bus, names: Names, replicas = streamReplicas()): Promise<PeakStore> {
  const kv: KV = await new Kvm(bus.nc).create(names.peakBucket, { history: 20, replicas });
  const decode = (value: Uint8Array): PeakState => {
    const parsed = peakStateSchema.safeParse(JSON.parse(new TextDecoder().decode(value)));
    return parsed.success ? parsed.data : INITIAL_PEAK_STATE;
  };
  return {
    async read() {
      const entry = await kv.get(KEY);
      if (!entry || entry.operation !== 'PUT') return { state: INITIAL_PEAK_STATE, revision: 0 };
      return { state: decode(entry.value), revision: entry.revision };
    },
    async replace(state, revision) {
      const data = JSON.stringify(state);
      try {
        if (revision === 0) await kv.create(KEY, data);
        else await kv.update(KEY, data, revision);
        return true;
      } catch (error) {
        // Somebody wrote first (another worker's guard, an operator): the caller reads again.
        if (error instanceof Error && /wrong last sequence|key exists/i.test(error.message)) return false;
        throw error;
      }
    },
    async watch(onChange, signal) {
      const updates = await kv.watch({ key: KEY });
      const stop = (): void => updates.stop();
      signal.addEventListener('abort', stop, { once: true });
      let seen = false;
      for await (const entry of updates) {
        if (entry.operation === 'PUT') {
          seen = true;
          onChange(decode(entry.value));
        } else if (!seen) onChange(INITIAL_PEAK_STATE);
      }
      signal.removeEventListener('abort', stop);
    },
  };
}

/**
 * Forces peak mode to `setting`, as an operator does (`ordersurge peak on`, the console's `p`
 * key): `on` and `off` apply at once, `auto` keeps the mode and hands it back to the guard. Reads
 * again and retries when a guard or another operator wrote first. Returns the state written.
 *
 * @example
 * await setPeakSetting(store, 'on', '', 'ordersurge peak (alice)') // reason: forced on by an operator
 */
export async function setPeakSetting(store: PeakStore, setting: PeakSetting, reason: string, changedBy: string): Promise<PeakState> {
  for (;;) {
    const { state, revision } = await store.read();
    const active = setting === 'auto' ? state.active : setting === 'on';
    const next: PeakState = {
      setting,
      active,
      reason: reason || (setting === 'auto' ? 'back to the guard' : `forced ${setting} by an operator`),
      since: active === state.active ? state.since : new Date().toISOString(),
      changedBy,
    };
    if (await store.replace(next, revision)) return next;
  }
}
