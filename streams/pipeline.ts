/**
 * The pipeline, defined once: every stage in the order an order travels, the order status it
 * moves an order from and to, the stage it hands on to, how critical it is, and the CPU task it
 * runs in the worker pool. Topology, redrive, status, the demo, the update-overtakes rules and the
 * peak guard all read this; adding a stage is its folder under `workers/` plus one entry here
 * (plus a migration when it adds a status).
 */

/** Where an order can be in the pipeline: its `orders.status`. */
export const ORDER_STATUSES = ['awaiting_payment', 'received', 'priced', 'routed', 'picking', 'waybilled', 'notified', 'exception', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * `core` stages are never shed or deferred; `deferrable` ones wait in the deferred stream during
 * peak mode and run after it; `sheddable` ones may be skipped in a peak, counted, never silently.
 */
export type Criticality = 'core' | 'deferrable' | 'sheddable';

export interface StageDefinition<S extends string = string> {
  stage: S;
  /** Status an order must be in for this stage to move it; null before the order is in Postgres. */
  from: OrderStatus | null;
  /**
   * Status the stage leaves a done order in; null for a side step, which leaves the status as it
   * is and keeps its own record of what it did (a points ledger row, a reminder sent).
   */
  to: OrderStatus | null;
  /** Stage a done order is handed to; null for the last. */
  next: S | null;
  criticality: Criticality;
  /** CPU-bound work the stage runs in the worker pool, if any (named for status and the console). */
  cpuTask: string | null;
  /** One line for `--help`, status and the console. */
  does: string;
}

export const PIPELINE = [
  { stage: 'ingest', from: null, to: null, next: 'dedupe', criticality: 'core', cpuTask: 'normalize', does: 'normalize each platform format, validate' },
  { stage: 'dedupe', from: null, to: 'received', next: 'pricing', criticality: 'core', cpuTask: null, does: 'one order per (channel, external id); updates overtake' },
  { stage: 'pricing', from: 'received', to: 'priced', next: 'routing', criticality: 'core', cpuTask: 'price', does: 'promotions, apportionment, payment check' },
  { stage: 'routing', from: 'priced', to: 'routed', next: 'pick', criticality: 'core', cpuTask: null, does: 'warehouse, stock reservation, merge' },
  { stage: 'pick', from: 'routed', to: 'picking', next: 'waybill', criticality: 'core', cpuTask: null, does: 'pick task per shipment at the WMS' },
  { stage: 'waybill', from: 'picking', to: 'waybilled', next: 'notify', criticality: 'core', cpuTask: null, does: 'carrier e-waybill' },
  { stage: 'notify', from: 'waybilled', to: 'notified', next: 'invoice', criticality: 'deferrable', cpuTask: null, does: '"being packed" SMS' },
  // A side step right after notify: every order it sees is paid and waybilled, so a shop invoicing
  // once paid is served here and one invoicing once shipped waits for its parcel (see
  // workers/invoice/invoice-stage.ts); before the sheddable steps, being deferrable.
  { stage: 'invoice', from: 'notified', to: null, next: 'points', criticality: 'deferrable', cpuTask: null, does: 'electronic invoice (电子发票); red-letter reversal on a full refund' },
  { stage: 'points', from: 'notified', to: null, next: 'review', criticality: 'sheddable', cpuTask: null, does: 'loyalty points into the ledger' },
  { stage: 'review', from: 'notified', to: null, next: null, criticality: 'sheddable', cpuTask: null, does: 'review reminder, scheduled through the SMS gateway' },
] as const satisfies readonly StageDefinition<string>[];

export type StageName = (typeof PIPELINE)[number]['stage'];

/** Stage names in pipeline order. */
export const STAGES: readonly StageName[] = PIPELINE.map((s) => s.stage);

export function isStageName(value: string): value is StageName {
  return (STAGES as readonly string[]).includes(value);
}

/** The definition of `stage`. */
export function stageDefinition(stage: StageName): StageDefinition<StageName> {
  return PIPELINE.find((s) => s.stage === stage)!;
}

/** The stage after `stage`, or undefined for the last one. */
export function nextStage(stage: StageName): StageName | undefined {
  return stageDefinition(stage).next ?? undefined;
}

/** The stage that moves an order on from each status the pipeline can leave it waiting in (side steps move none). */
export const STAGE_FOR_STATUS: Partial<Record<OrderStatus, StageName>> = Object.fromEntries(
  PIPELINE.flatMap((s) => (s.from === null || s.to === null ? [] : [[s.from, s.stage]])),
);

/** The core path, never shed: its backlog is the admission signal. */
export const CORE_STAGES: readonly StageName[] = PIPELINE.filter((s) => s.criticality === 'core').map((s) => s.stage);

/** Stages peak mode may defer or shed: everything not core. */
export const NON_CORE_STAGES: ReadonlySet<StageName> = new Set(PIPELINE.filter((s) => s.criticality !== 'core').map((s) => s.stage));

/**
 * Statuses in which an order has not reached `stage`'s result yet: waiting for payment, in an
 * exception, or in the status of any stage up to and including `stage`.
 *
 * @example
 * statusesBefore('waybill') // Set { 'awaiting_payment', 'exception', 'received', 'priced', 'routed', 'picking' }
 */
export function statusesBefore(stage: StageName): ReadonlySet<OrderStatus> {
  const before = new Set<OrderStatus>(['awaiting_payment', 'exception']);
  for (const s of PIPELINE) {
    if (s.from !== null) before.add(s.from);
    if (s.stage === stage) break;
  }
  return before;
}
