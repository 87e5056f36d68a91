import { statusesOf } from '../sql/queries/orders.ts';
import { orderRefSchema, stageMsgId, type OrderRef } from '../streams/messages.ts';
import { NON_CORE_STAGES, stageDefinition, type StageName } from '../streams/pipeline.ts';
import { decodeJson, done, type Outcome, type Stage, type StageContext } from './stage.ts';

/** What one order step did to one order. */
export type StepResult =
  | { kind: 'moved' }
  | { kind: 'exception' }
  /** Moved elsewhere meanwhile (cancelled, say): nothing to hand on. */
  | { kind: 'skipped' }
  | { kind: 'retry'; error: string }
  | { kind: 'dead'; error: string }
  /** Not tried: an outside service it needs is behind an open breaker; handed back for `delayMs`, spending no attempt. */
  | { kind: 'wait'; delayMs: number; reason: string };

/**
 * A stage after dedupe: it moves orders from one status to the next. `apply` receives only the
 * orders still in `from` and must commit each order's effects and its status change together.
 * A side step (no `to` in the definition: points, the review reminder) leaves the status alone;
 * its effects must be idempotent by their own keys (order and step).
 */
export interface OrderStep {
  /** Its statuses and next stage come from the pipeline definition. */
  stage: StageName;
  /** Called with at least one order. */
  apply(orderIds: readonly string[], ctx: StageContext): Promise<Map<string, StepResult>>;
  /** See `Stage.readyToPull`: a step behind an outside service's breaker waits here while it is open. */
  readyToPull?(ctx: StageContext, signal: AbortSignal): Promise<void>;
}

/**
 * Wraps an order step into a stage. Idempotent by construction: an order already in `to` is
 * handed on again (its publish may have been lost; the message id stops a second copy), an
 * order elsewhere is left alone.
 */
export function orderStepStage(step: OrderStep): Stage<OrderRef> {
  const { from, to, next } = stageDefinition(step.stage);
  if (from === null) throw new Error(`${step.stage}: an order step needs a from status in the pipeline definition`);
  // In peak mode a non-core next stage gets its message later, from the deferred stream.
  const deferrable = next !== null && NON_CORE_STAGES.has(next);
  return {
    name: step.stage,
    decode: (data) => decodeJson(data, orderRefSchema),
    ...(step.readyToPull ? { readyToPull: step.readyToPull } : {}),
    async handle(batch, ctx) {
      const ids = [...new Set(batch.map((d) => d.body.orderId))];
      const statuses = await statusesOf(ctx.db, ids);
      const todo = ids.filter((id) => statuses.get(id) === from);
      const results = todo.length > 0 ? await step.apply(todo, ctx) : new Map<string, StepResult>();
      return batch.map((d): Outcome => {
        const id = d.body.orderId;
        const handOn = (): Outcome =>
          done(next ? [{ stage: next, channel: d.channel, body: { orderId: id }, msgId: stageMsgId(next, id), deferred: deferrable && ctx.peak.active() }] : []);
        const status = statuses.get(id);
        if (status === undefined) return { kind: 'dead', error: `orderId: no order ${id} in the database` };
        if (to !== null && status === to) return handOn();
        if (status !== from) return done();
        const result = results.get(id) ?? { kind: 'retry', error: `${step.stage} gave no result for ${id}` };
        switch (result.kind) {
          case 'moved':
            return handOn();
          case 'exception':
          case 'skipped':
            return done();
          case 'retry':
          case 'dead':
          case 'wait':
            return result;
          default: {
            const never: never = result;
            throw new Error(`unknown step result ${JSON.stringify(never)}`);
          }
        }
      });
    },
  };
}
