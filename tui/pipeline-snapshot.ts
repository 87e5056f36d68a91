import type { JetStreamManager } from '@nats-io/jetstream';
import { listCursors, type ConnectorCursor } from '../sql/queries/connector-cursors.ts';
import { countByStatus } from '../sql/queries/orders.ts';
import { listShopAuthStates } from '../sql/queries/shop-accounts.ts';
import type { Db } from '../sql/database.ts';
import type { Names } from '../streams/names.ts';
import { stageDefinition, type Criticality, type OrderStatus } from '../streams/pipeline.ts';
import { readPipelineStatus, type StageStatus } from '../streams/pipeline-status.ts';
import { shopConnectors, type ShopConnector } from './shop-connectors.ts';

export interface StageSnapshot extends StageStatus {
  criticality: Criticality;
  /** Messages the stage finished per second since the previous snapshot; null on the first. */
  ratePerSecond: number | null;
  /** Messages that entered the stage's queue per second since the previous snapshot; null on the first. */
  inRatePerSecond: number | null;
}

/** The NATS half of a snapshot: queues, throughput and dead letters. */
export interface StagesSnapshot {
  at: Date;
  stages: StageSnapshot[];
  deadLetters: number;
}

/** The Postgres half of a snapshot: orders per status, connector cursors and each shop account's intake. */
export interface OrdersSnapshot {
  orders: Partial<Record<OrderStatus, number>>;
  connectors: ConnectorCursor[];
  /** Per shop account (registered or polled by URL): cursor, health, and whether it must be re-authorised. */
  shops: ShopConnector[];
}

/** The pipeline at one moment: what `status`, the demo's status line and the console show. */
export type PipelineSnapshot = StagesSnapshot & OrdersSnapshot;

export interface SnapshotReader {
  read(): Promise<PipelineSnapshot>;
  /** The NATS half alone: the console reads it every second, and on while Postgres is away. */
  readStages(): Promise<StagesSnapshot>;
  /** The Postgres half alone: the console reads it less often, and on while NATS is away. */
  readOrders(): Promise<OrdersSnapshot>;
}

/**
 * Reads pipeline snapshots: per stage queue depth, oldest message age, redeliveries, dead letters
 * and throughput in and out (from the stream's last sequence and the consumer's ack floor,
 * between two reads); orders per status (created since `since`, or all); connector cursors and
 * shop accounts' authorisation. Cheap enough to read once a second: two JetStream info calls per
 * stage, three small queries.
 */
export function snapshotReader(jsm: JetStreamManager, db: Db, names: Names, opts: { since?: Date } = {}): SnapshotReader {
  let previous: { at: number; seqs: Map<string, { done: number; last: number }> } | undefined;
  const readStages = async (): Promise<StagesSnapshot> => {
    const at = new Date();
    const nats = await readPipelineStatus(jsm, names);
    const seconds = previous ? (at.getTime() - previous.at) / 1000 : 0;
    const perSecond = (now: number, before: number | undefined): number | null =>
      before === undefined || seconds <= 0 ? null : Math.max(0, now - before) / seconds;
    const stages = nats.stages.map((s): StageSnapshot => {
      const before = previous?.seqs.get(s.stage);
      return {
        ...s,
        criticality: stageDefinition(s.stage).criticality,
        ratePerSecond: perSecond(s.doneSeq, before?.done),
        inRatePerSecond: perSecond(s.lastSeq, before?.last),
      };
    });
    previous = { at: at.getTime(), seqs: new Map(stages.map((s) => [s.stage, { done: s.doneSeq, last: s.lastSeq }])) };
    return { at, stages, deadLetters: nats.deadLetters };
  };
  const readOrders = async (): Promise<OrdersSnapshot> => {
    const [orders, connectors, accounts] = await Promise.all([countByStatus(db, opts.since), listCursors(db), listShopAuthStates(db)]);
    return { orders, connectors, shops: shopConnectors(connectors, accounts) };
  };
  return {
    readStages,
    readOrders,
    async read() {
      const [stages, orders] = await Promise.all([readStages(), readOrders()]);
      return { ...stages, ...orders };
    },
  };
}
