import type { JsMsg } from '@nats-io/jetstream';
import type { Bus } from '../../streams/connect.ts';
import type { Names } from '../../streams/names.ts';
import type { PeakState, PeakStore } from '../../streams/peak-mode.ts';
import { PIPELINE, type StageName } from '../../streams/pipeline.ts';
import { errorText } from '../error-text.ts';
import type { StageMetrics } from '../metrics.ts';
import { sleep } from '../sleep.ts';
import { decidePeak, FRESH_MEMORY, type GuardMemory, type PeakRules } from './decide-peak.ts';
import { admissionGate } from '../../streams/admission.ts';

/**
 * Share of the admission limit from which the core counts as saturated: intake bursts up to the
 * limit and is held there, so the backlog hovers just under it between readings.
 */
const SATURATED_SHARE = 0.8;

export interface PeakGuardOptions {
  bus: Bus;
  names: Names;
  store: PeakStore;
  rules: PeakRules;
  /** Deferred messages this process hands back per second once a peak is over. */
  replayPerSecond: number;
  /** How often the inflow is sampled and the rules applied. */
  sampleMs: number;
  /** The admission limit on the core backlog (0: none): near it, the core is saturated. */
  maxCoreBacklog: number;
  metrics: StageMetrics;
  log: (line: string) => void;
}

/** What stages ask of the peak guard. */
export interface PeakView {
  /** Peak mode is on: hand non-core work to the deferred stream. */
  active(): boolean;
}

export interface PeakGuard extends PeakView {
  state(): PeakState;
  stop(): Promise<void>;
}

/** Deferrable stages are replayed before sheddable ones, each in pipeline order. */
const REPLAY_ORDER: StageName[] = [
  ...PIPELINE.filter((s) => s.criticality === 'deferrable').map((s) => s.stage),
  ...PIPELINE.filter((s) => s.criticality === 'sheddable').map((s) => s.stage),
];

/**
 * Runs the peak guard in this worker process: watches the peak mode in the KV bucket (so every
 * stage sees a change within moments), measures the inflow into ingest, applies the rules under
 * `auto` (writing a change only if nobody else did first: every process runs a guard, they agree
 * or one wins), and once peak mode is off hands the deferred work back to its stages, deferrable
 * first, at a bounded rate so the replay does not make a second peak.
 */
export async function startPeakGuard(opts: PeakGuardOptions): Promise<PeakGuard> {
  const abort = new AbortController();
  let current: PeakState = (await opts.store.read()).state;
  opts.metrics.peakActive.set(current.active ? 1 : 0);
  const watching = opts.store
    .watch((state) => {
      if (state.active !== current.active) {
        opts.log(`peak mode ${state.active ? 'ON' : 'off'}: ${state.reason} (${state.changedBy})`);
        opts.metrics.peakChanges.inc({ to: state.active ? 'on' : 'off' });
      }
      current = state;
      opts.metrics.peakActive.set(state.active ? 1 : 0);
    }, abort.signal)
    .catch((error: unknown) => opts.log(`peak guard: watching peak mode failed: ${errorText(error)}`));
  const guarding = guardLoop(opts, abort.signal);
  const replaying = replayLoop(opts, () => current, abort.signal);
  return {
    active: () => current.active,
    state: () => current,
    stop: async () => {
      abort.abort();
      await Promise.all([watching, guarding, replaying]);
    },
  };
}

async function guardLoop(opts: PeakGuardOptions, signal: AbortSignal): Promise<void> {
  // The rate is the average over a window short enough to follow the enter window.
  const spanMs = Math.min(60_000, Math.max(1000, (opts.rules.enterWindowSeconds * 1000) / 2));
  const samples: { at: number; seq: number }[] = [];
  let memory: GuardMemory = FRESH_MEMORY;
  const admission = opts.maxCoreBacklog > 0 ? admissionGate(opts.bus.jsm, opts.names, opts.maxCoreBacklog, opts.sampleMs) : undefined;
  while (!signal.aborted) {
    try {
      const [info, core] = await Promise.all([opts.bus.jsm.streams.info(opts.names.stageStream('ingest')), admission?.check()]);
      const coreSaturated = core !== undefined && core.coreBacklog >= core.limit * SATURATED_SHARE;
      const now = Date.now();
      samples.push({ at: now, seq: info.state.last_seq });
      while (samples.length > 2 && now - samples[1]!.at >= spanMs) samples.shift();
      const first = samples[0]!;
      const perMinute = now > first.at ? ((info.state.last_seq - first.seq) * 60_000) / (now - first.at) : 0;
      opts.metrics.inflowPerSecond.set(perMinute / 60);
      if (samples.length > 1) {
        const { state, revision } = await opts.store.read();
        const decided = decidePeak(state, perMinute, now, memory, opts.rules, coreSaturated);
        memory = decided.memory;
        if (decided.next && (await opts.store.replace(decided.next, revision))) {
          opts.log(`peak guard: ${decided.next.active ? 'entering' : 'leaving'} peak mode: ${decided.next.reason}`);
        }
      }
    } catch (error) {
      opts.log(`peak guard: ${errorText(error)}; trying again`);
    }
    await sleep(opts.sampleMs, signal);
  }
}

async function replayLoop(opts: PeakGuardOptions, state: () => PeakState, signal: AbortSignal): Promise<void> {
  const tickMs = 250;
  const perTick = Math.max(1, Math.round((opts.replayPerSecond * tickMs) / 1000));
  while (!signal.aborted) {
    let replayed = 0;
    if (!state().active) {
      try {
        replayed = await replayBatch(opts, perTick, state, signal);
      } catch (error) {
        opts.log(`peak guard: replay failed: ${errorText(error)}; trying again`);
      }
    }
    // Idle when nothing waits: look again a little later.
    await sleep(replayed > 0 ? tickMs : 1000, signal);
  }
}

/** Hands up to `max` deferred messages back to their stages, deferrable stages first. */
async function replayBatch(opts: PeakGuardOptions, max: number, state: () => PeakState, signal: AbortSignal): Promise<number> {
  for (const stage of REPLAY_ORDER) {
    const consumer = await opts.bus.js.consumers.get(opts.names.deferredStream, opts.names.replayDurable(stage));
    const info = await consumer.info(true);
    // Messages a pull took but never acknowledged (a pull cut short) are not in num_pending: they
    // come back when their ack wait ends, and only a fetch then receives them. Counting pending
    // alone left the last such messages parked for good once nothing else waited.
    const waiting = info.num_pending + info.num_ack_pending;
    opts.metrics.deferredBacklog.set({ stage }, waiting);
    if (waiting === 0) continue;
    const messages = await consumer.fetch({ max_messages: Math.min(max, waiting), expires: 1000 });
    // Read the whole pull before handing any back: awaiting a publish per message inside the
    // loop let the pull's idle heartbeats lapse on a busy machine ("heartbeats missed"), which
    // ended the pull and left what it had delivered unacked until the ack wait ran out (30 s):
    // the replay crawled at a few messages a second.
    const fetched: JsMsg[] = [];
    try {
      for await (const msg of messages) fetched.push(msg);
    } catch (error) {
      if (fetched.length === 0) throw error;
    }
    if (signal.aborted || state().active) {
      // A new peak began mid-replay: leave the rest parked.
      for (const msg of fetched) msg.nak();
      return 0;
    }
    await Promise.all(fetched.map((msg) => handBack(opts, stage, msg)));
    return fetched.length;
  }
  return 0;
}

async function handBack(opts: PeakGuardOptions, stage: StageName, msg: JsMsg): Promise<void> {
  const channel = msg.subject.slice(msg.subject.lastIndexOf('.') + 1);
  // The deferred message's own sequence: a second replay of it within the window is stored once.
  await opts.bus.js.publish(opts.names.stageSubject(stage, channel), msg.data, { msgID: `replay:${stage}:${msg.seq}` });
  msg.ack();
  opts.metrics.replayed.inc({ stage });
}

