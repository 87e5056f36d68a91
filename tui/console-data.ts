import type { ConnectorCursor } from '../sql/queries/connector-cursors.ts';
import type { PeakState } from '../streams/peak-mode.ts';
import type { OrderStatus, StageName } from '../streams/pipeline.ts';
import type { WorkerHeartbeat } from '../streams/worker-heartbeat.ts';
import type { KpiReport } from '../workers/kpi/kpi-report.ts';
import type { StageSnapshot } from './pipeline-snapshot.ts';
import type { ShopConnector } from './shop-connectors.ts';

/** A server as the console last saw it: answering, or away since a moment with the error. */
export type ServerHealth = { up: true } | { up: false; since: Date; error: string };

/** Peak mode and what it holds back. */
export interface PeakView {
  state: PeakState;
  /** Orders per minute into ingest over the last minute, as the console measures it; null until it has two readings. */
  inflowPerMinute: number | null;
  enterPerMinute: number;
  exitPerMinute: number;
  /** Deferred messages waiting for replay, per non-core stage. */
  backlog: { stage: StageName; waiting: number }[];
  /** Replayed since the current replay began (or since the console started); null when nothing was replayed. */
  replay: { done: number; waiting: number } | null;
}

/** The KPI panel's data: loading, a report, or why there is none. */
export type KpiView = { status: 'loading' } | { status: 'ok'; report: KpiReport; at: Date } | { status: 'unavailable'; error: string };

/**
 * Everything the console shows at one refresh. Values are the last good readings: while a server
 * is away its half stays as it was, and `nats` / `postgres` say so.
 */
export interface ConsoleData {
  at: Date;
  namespace: string;
  nats: ServerHealth;
  postgres: ServerHealth;
  /** Per stage in pipeline order; empty until NATS answered once. */
  stages: StageSnapshot[];
  deadLetters: number;
  /** Finished messages per second, per stage, oldest first: the sparklines. */
  history: Partial<Record<StageName, number[]>>;
  orders: Partial<Record<OrderStatus, number>>;
  connectors: ConnectorCursor[];
  /** Per shop account: its connector's cursor and health, and whether it must be re-authorised. */
  shops: ShopConnector[];
  workers: WorkerHeartbeat[];
  peak: PeakView | null;
  kpis: KpiView;
}

/** A console before its first reading. */
export function emptyConsoleData(namespace: string, at: Date = new Date()): ConsoleData {
  return {
    at,
    namespace,
    nats: { up: true },
    postgres: { up: true },
    stages: [],
    deadLetters: 0,
    history: {},
    orders: {},
    connectors: [],
    shops: [],
    workers: [],
    peak: null,
    kpis: { status: 'loading' },
  };
}
