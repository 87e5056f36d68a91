import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { Names } from './names.ts';
import { atsBucketName } from './ats-bucket.ts';
import { NON_CORE_STAGES, STAGES, type StageName } from './pipeline.ts';
import { streamReplicas } from './stream-replicas.ts';

/** Limits of the topology; defaults suit one machine, a cluster of three runs replicas 3 (`ORDERSURGE_STREAM_REPLICAS`). */
export interface TopologyOptions {
  replicas: number;
  /** Bytes each stage queue may hold; publishers are refused beyond it (backpressure, never silent loss). */
  stageMaxBytes: number;
  deadLetterMaxBytes: number;
  /** Time a worker has to ack before redelivery. */
  ackWaitMs: number;
  /** Unacked messages one stage's consumer hands out across all its processes. */
  maxAckPending: number;
  /** Window in which the same Nats-Msg-Id is stored only once. */
  duplicateWindowMs: number;
}

export const DEFAULT_TOPOLOGY: TopologyOptions = {
  replicas: 1,
  // File streams reserve their max_bytes against the server's JetStream storage up front.
  stageMaxBytes: 256 * 1024 ** 2,
  deadLetterMaxBytes: 256 * 1024 ** 2,
  ackWaitMs: 30_000,
  maxAckPending: 20_000,
  duplicateWindowMs: 5 * 60_000,
};

/** The defaults with the replicas the environment asks for (`ORDERSURGE_STREAM_REPLICAS`). */
export function configuredTopology(env: NodeJS.ProcessEnv = process.env): TopologyOptions {
  return { ...DEFAULT_TOPOLOGY, replicas: streamReplicas(env) };
}

const DAY_MS = 24 * 3600_000;

/** The topology as data: what `ordersurge streams apply` makes true. */
export function declareTopology(names: Names, opts: TopologyOptions = configuredTopology()) {
  const stageStreams = STAGES.map((stage) => ({
    stage,
    config: {
      name: names.stageStream(stage),
      subjects: [names.stageSubjects(stage)],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      discard: DiscardPolicy.New,
      max_bytes: opts.stageMaxBytes,
      max_age: nanos(7 * DAY_MS),
      num_replicas: opts.replicas,
      duplicate_window: nanos(opts.duplicateWindowMs),
    } satisfies Partial<StreamConfig>,
    consumer: {
      durable_name: names.durable(stage),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(opts.ackWaitMs),
      // Unlimited on purpose: the runner dead-letters a message after its own limit, and a
      // message whose dead-lettering failed must still come back rather than stall unacked.
      max_deliver: -1,
      max_ack_pending: opts.maxAckPending,
      filter_subject: names.stageSubjects(stage),
    } satisfies Partial<ConsumerConfig>,
  }));
  const deadLetter = {
    name: names.deadLetterStream,
    subjects: [`${names.namespace}.dlq.*`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.New,
    max_bytes: opts.deadLetterMaxBytes,
    max_age: nanos(30 * DAY_MS),
    num_replicas: opts.replicas,
  } satisfies Partial<StreamConfig>;
  const deferred = {
    name: names.deferredStream,
    subjects: [`${names.namespace}.deferred.>`],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    discard: DiscardPolicy.New,
    max_bytes: opts.stageMaxBytes,
    max_age: nanos(7 * DAY_MS),
    num_replicas: opts.replicas,
    duplicate_window: nanos(opts.duplicateWindowMs),
  } satisfies Partial<StreamConfig>;
  // One replay consumer per non-core stage (NATS 2.9: one filter subject per consumer), so the
  // deferrable stages can be replayed before the sheddable ones.
  const replayConsumers = STAGES.filter((stage) => NON_CORE_STAGES.has(stage)).map((stage) => ({
    durable_name: names.replayDurable(stage),
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(opts.ackWaitMs),
    max_deliver: -1,
    max_ack_pending: opts.maxAckPending,
    filter_subject: names.deferredSubjects(stage),
  }) satisfies Partial<ConsumerConfig>);
  return { stageStreams, deadLetter, deferred, replayConsumers };
}

export type ApplyAction = 'created' | 'updated' | 'unchanged';
export interface ApplyReport {
  kind: 'stream' | 'consumer';
  name: string;
  action: ApplyAction;
}

/** Creates or updates every stream and consumer; a second run reports everything unchanged. */
export async function applyTopology(
  jsm: JetStreamManager,
  names: Names,
  opts: TopologyOptions = configuredTopology(),
): Promise<ApplyReport[]> {
  const topology = declareTopology(names, opts);
  const report: ApplyReport[] = [];
  for (const stream of [...topology.stageStreams.map((s) => s.config), topology.deadLetter, topology.deferred]) {
    report.push({ kind: 'stream', name: stream.name, action: await applyStream(jsm, stream) });
  }
  for (const { config, consumer } of topology.stageStreams) {
    report.push({
      kind: 'consumer',
      name: `${config.name}/${consumer.durable_name}`,
      action: await applyConsumer(jsm, config.name, consumer),
    });
  }
  for (const consumer of topology.replayConsumers) {
    report.push({ kind: 'consumer', name: `${topology.deferred.name}/${consumer.durable_name}`, action: await applyConsumer(jsm, topology.deferred.name, consumer) });
  }
  return report;
}

async function applyStream(jsm: JetStreamManager, wanted: Partial<StreamConfig> & { name: string }): Promise<ApplyAction> {
  const current = await jsm.streams.info(wanted.name).catch(notFound);
  if (!current) {
    await jsm.streams.add(wanted);
    return 'created';
  }
  if (sameFields(current.config, wanted)) return 'unchanged';
  await jsm.streams.update(wanted.name, wanted);
  return 'updated';
}

async function applyConsumer(
  jsm: JetStreamManager,
  stream: string,
  wanted: Partial<ConsumerConfig> & { durable_name: string },
): Promise<ApplyAction> {
  const current = await jsm.consumers.info(stream, wanted.durable_name).catch(notFound);
  if (!current) {
    await jsm.consumers.add(stream, wanted);
    return 'created';
  }
  if (sameFields(current.config, wanted)) return 'unchanged';
  await jsm.consumers.update(stream, wanted.durable_name, wanted);
  return 'updated';
}

function sameFields(current: object, wanted: object): boolean {
  const have = current as Record<string, unknown>;
  return Object.entries(wanted).every(([key, value]) => JSON.stringify(have[key]) === JSON.stringify(value));
}

function notFound(error: unknown): undefined {
  if (error instanceof Error && /not found/i.test(error.message)) return undefined;
  throw error;
}

/** Deletes every stream of a namespace (tests clean up after themselves with it). */
export async function deleteTopology(jsm: JetStreamManager, names: Names): Promise<void> {
  const streams = [...STAGES.map((s: StageName) => names.stageStream(s)), names.deadLetterStream, names.deferredStream, `KV_${names.peakBucket}`, `KV_${names.workersBucket}`, `KV_${atsBucketName(names)}`, `KV_${names.waitsBucket}`];
  for (const name of streams) await jsm.streams.delete(name).catch(notFound);
}
