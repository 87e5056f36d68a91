import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import type { Names } from './names.ts';

/** How often a worker process writes its heartbeat. */
export const HEARTBEAT_INTERVAL_MS = 2000;
/** A heartbeat older than this is a process gone (crashed, or cut off); the bucket forgets it too. */
export const HEARTBEAT_TTL_MS = 10_000;

const heartbeatSchema = z.object({
  /** Key in the bucket: host and process id. */
  id: z.string(),
  pid: z.number().int(),
  host: z.string(),
  stages: z.array(z.string()),
  /** Messages held unacked, per stage this process runs. */
  inFlight: z.record(z.string(), z.number()),
  /** Messages each stage may hold in flight in this process. */
  concurrency: z.number(),
  poolThreads: z.number().int(),
  /** Busy share of the CPU pool's threads since the previous heartbeat; null when CPU work runs inline. */
  poolUtilization: z.number().nullable(),
  rssBytes: z.number(),
  startedAt: z.string(),
  /** When this heartbeat was written (ISO). */
  at: z.string(),
});

/** What one worker process says about itself every few seconds. */
export type WorkerHeartbeat = z.infer<typeof heartbeatSchema>;

/** The bucket's key of a process: host and pid, with what KV keys may not hold replaced. */
export function heartbeatKey(host: string, pid: number): string {
  return `${host.replace(/[^A-Za-z0-9_-]/g, '_')}_${pid}`;
}

/** Opens (creating when missing) the namespace's heartbeat bucket, whose entries expire. */
export function openWorkersBucket(nc: NatsConnection, names: Names, replicas = 1): Promise<KV> {
  return new Kvm(nc).create(names.workersBucket, { history: 1, ttl: HEARTBEAT_TTL_MS, replicas });
}

/** Decodes a heartbeat entry; undefined for anything that is not one (written by another version). */
export function decodeHeartbeat(value: Uint8Array): WorkerHeartbeat | undefined {
  try {
    const parsed = heartbeatSchema.safeParse(JSON.parse(new TextDecoder().decode(value)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Heartbeats still fresh at `now`, by host then pid: the processes alive. */
export function liveWorkers(beats: Iterable<WorkerHeartbeat>, now: number): WorkerHeartbeat[] {
  return [...beats]
    .filter((b) => now - Date.parse(b.at) < HEARTBEAT_TTL_MS)
    .sort((a, b) => a.host.localeCompare(b.host) || a.pid - b.pid);
}
