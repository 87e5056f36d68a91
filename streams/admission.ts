import type { JetStreamManager } from '@nats-io/jetstream';
import type { Names } from './names.ts';
import { CORE_STAGES } from './pipeline.ts';

/** What intake may add: room while the core backlog is under the limit. */
export interface Admission {
  open: boolean;
  /** Messages waiting or in flight in the core stages (ingest to waybill). */
  coreBacklog: number;
  limit: number;
  /** A fair wait before asking again, in seconds (a webhook's Retry-After). */
  retryAfterSeconds: number;
}

/**
 * The admission signal every intake path reads: the core backlog (pending plus unacked in the
 * core stages), against a configured limit. Read from the consumers at most every `refreshMs`,
 * so a busy intake does not load the server it protects. Past the limit intake waits, and the
 * orders stay at their source (the platform, the file being submitted).
 */
export function admissionGate(jsm: JetStreamManager, names: Names, limit: number, refreshMs = 500) {
  let cached: { at: number; value: Admission } | undefined;
  let reading: Promise<Admission> | undefined;
  /** Messages this intake added since the cached reading: a fast intake sees its own additions before the next reading does. */
  let admittedSince = 0;
  const withOwn = (value: Admission): Admission => {
    const coreBacklog = value.coreBacklog + admittedSince;
    return { ...value, coreBacklog, open: coreBacklog < limit };
  };
  const read = async (): Promise<Admission> => {
    const infos = await Promise.all(CORE_STAGES.map((stage) => jsm.consumers.info(names.stageStream(stage), names.durable(stage))));
    const coreBacklog = infos.reduce((n, i) => n + i.num_pending + i.num_ack_pending, 0);
    return { open: coreBacklog < limit, coreBacklog, limit, retryAfterSeconds: Math.max(1, Math.ceil(refreshMs / 1000)) };
  };
  return {
    /** The admission now (at most `refreshMs` old). */
    async check(): Promise<Admission> {
      if (cached && Date.now() - cached.at < refreshMs) return withOwn(cached.value);
      reading ??= read().finally(() => (reading = undefined));
      const started = admittedSince;
      const value = await reading;
      // What was added before the reading began is in it; what came during it may not be: kept.
      admittedSince -= started;
      cached = { at: Date.now(), value };
      return withOwn(value);
    },
    /** Tells the gate this intake has just added `count` messages to ingest. */
    admitted(count: number): void {
      admittedSince += count;
    },
    /**
     * Resolves once intake may go on (or `signal` aborts); calls `onWait` once per wait. A
     * reading that fails (a NATS server lost, a stream leader moving) is no room yet: intake
     * waits and asks again rather than failing.
     */
    async waitForRoom(signal: AbortSignal, onWait?: (a: Admission) => void): Promise<void> {
      let told = false;
      for (;;) {
        const a = await this.check().catch(() => undefined);
        if (a?.open || signal.aborted) return;
        if (a && !told) onWait?.(a);
        if (a) told = true;
        await new Promise((r) => setTimeout(r, refreshMs));
      }
    },
  };
}

export type AdmissionGate = ReturnType<typeof admissionGate>;
