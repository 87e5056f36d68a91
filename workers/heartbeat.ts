import { hostname } from 'node:os';
import type { Bus } from '../streams/connect.ts';
import type { Names } from '../streams/names.ts';
import { HEARTBEAT_INTERVAL_MS, heartbeatKey, openWorkersBucket, type WorkerHeartbeat } from '../streams/worker-heartbeat.ts';
import { errorText } from './error-text.ts';
import type { StageMetrics } from './metrics.ts';
import { sleep } from './sleep.ts';
import type { TaskPool } from './task-pool.ts';

export interface HeartbeatOptions {
  bus: Bus;
  names: Names;
  stages: readonly string[];
  concurrency: number;
  pool: TaskPool;
  /** In flight per stage comes from the runners' own gauge, so the runner needs no hook. */
  metrics: StageMetrics;
  log: (line: string) => void;
  intervalMs?: number;
}

/**
 * Writes this process's heartbeat (stages, in flight, pool use, memory) to the namespace's
 * workers bucket every couple of seconds until stopped, then deletes it so the console drops the
 * process at once. A missed write only logs: the console shows the process gone after the TTL.
 */
export async function startHeartbeat(opts: HeartbeatOptions): Promise<{ stop(): Promise<void> }> {
  const abort = new AbortController();
  const kv = await openWorkersBucket(opts.bus.nc, opts.names);
  const host = hostname();
  const key = heartbeatKey(host, process.pid);
  const startedAt = new Date().toISOString();
  let failing = false;
  const beat = async (): Promise<void> => {
    const inFlight: Record<string, number> = Object.fromEntries(opts.stages.map((s) => [s, 0]));
    for (const v of (await opts.metrics.inFlight.get()).values) {
      const stage = v.labels.stage;
      if (typeof stage === 'string' && stage in inFlight) inFlight[stage] = v.value;
    }
    const heartbeat: WorkerHeartbeat = {
      id: key,
      pid: process.pid,
      host,
      stages: [...opts.stages],
      inFlight,
      concurrency: opts.concurrency,
      poolThreads: opts.pool.threads,
      poolUtilization: opts.pool.utilization(),
      rssBytes: process.memoryUsage.rss(),
      startedAt,
      at: new Date().toISOString(),
    };
    await kv.put(key, JSON.stringify(heartbeat));
  };
  const loop = (async () => {
    while (!abort.signal.aborted) {
      try {
        await beat();
        if (failing) opts.log('heartbeat: writing again');
        failing = false;
      } catch (error) {
        // Logged once per outage, not every interval.
        if (!failing) opts.log(`heartbeat: cannot write (${errorText(error)}); the console will show this process gone until it can`);
        failing = true;
      }
      await sleep(opts.intervalMs ?? HEARTBEAT_INTERVAL_MS, abort.signal);
    }
  })();
  return {
    stop: async () => {
      abort.abort();
      await loop;
      await kv.delete(key).catch(() => undefined);
    },
  };
}
