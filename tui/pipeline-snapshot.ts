import type { JetStreamManager } from '@nats-io/jetstream';
import { listCursors, type ConnectorCursor } from '../sql/queries/connector-cursors.ts';
import { countByStatus } from '../sql/queries/orders.ts';
import type { Db } from '../sql/database.ts';
import type { Names } from '../streams/names.ts';
import { stageDefinition, type Criticality, type OrderStatus } from '../streams/pipeline.ts';
import { readPipelineStatus, type StageStatus } from '../streams/pipeline-status.ts';

export interface StageSnapshot extends StageStatus {
  criticality: Criticality;
  /** Messages the stage finished per second since the previous snapshot; null on the first. */
  ratePerSecond: number | null;
}

/** The pipeline at one moment: what `status`, the demo's status line and the console show. */
export interface PipelineSnapshot {
  at: Date;
  stages: StageSnapshot[];
  deadLetters: number;
  orders: Partial<Record<OrderStatus, number>>;
  connectors: ConnectorCursor[];
}

export interface SnapshotReader {
  read(): Promise<PipelineSnapshot>;
}

/**
 * Reads pipeline snapshots: per stage queue depth, oldest message age, redeliveries, dead letters
 * and throughput (from the consumer's ack floor, between two reads); orders per status (created
 * since `since`, or all); connector cursors. Cheap enough to read once a second: two JetStream
 * info calls per stage, two small queries.
 */
export function snapshotReader(jsm: JetStreamManager, db: Db, names: Names, opts: { since?: Date } = {}): SnapshotReader {
  let previous: { at: number; done: Map<string, number> } | undefined;
  return {
    async read() {
      const at = new Date();
      const [nats, orders, connectors] = await Promise.all([readPipelineStatus(jsm, names), countByStatus(db, opts.since), listCursors(db)]);
      const seconds = previous ? (at.getTime() - previous.at) / 1000 : 0;
      const stages = nats.stages.map((s): StageSnapshot => {
        const before = previous?.done.get(s.stage);
        return {
          ...s,
          criticality: stageDefinition(s.stage).criticality,
          ratePerSecond: before === undefined || seconds <= 0 ? null : Math.max(0, s.doneSeq - before) / seconds,
        };
      });
      previous = { at: at.getTime(), done: new Map(stages.map((s) => [s.stage, s.doneSeq])) };
      return { at, stages, deadLetters: nats.deadLetters, orders, connectors };
    },
  };
}
