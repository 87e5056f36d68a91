import type { JetStreamClient } from '@nats-io/jetstream';
import type { Db } from '../sql/database.ts';
import { putBackExceptions } from '../sql/queries/exception-orders.ts';
import type { Names } from '../streams/names.ts';
import { isStageName, stageDefinition, type OrderStatus } from '../streams/pipeline.ts';
import { redriveOrders } from '../streams/redrive.ts';

/** Whether an exception can be retried, and from which status; or why not. */
export type RetryDecision = { ok: true; to: OrderStatus } | { ok: false; why: string };

/**
 * Where a retried exception goes back to: the status of the stage that raised it, so the stage
 * decides again (after the stock, the rules or the address were fixed). Exceptions about a parcel
 * already handed to the carrier need a person, not a retry.
 *
 * @example
 * retryDecision('backorder', 'backorder: SKU-1 short by 2') // { ok: true, to: 'priced' }
 */
export function retryDecision(type: string, detail: string): RetryDecision {
  switch (type) {
    case 'payment_mismatch':
      return { ok: true, to: 'received' };
    case 'backorder':
    case 'bad_address':
      return { ok: true, to: 'priced' };
    case 'pick_rejected':
      return { ok: true, to: stageDefinition('pick').from! };
    case 'waybill_rejected':
      return { ok: true, to: stageDefinition('waybill').from! };
    case 'dead_letter': {
      // The detail names the stage: `waybill: <reason>`.
      const stage = detail.slice(0, detail.indexOf(':'));
      const from = isStageName(stage) ? stageDefinition(stage).from : null;
      return from ? { ok: true, to: from } : { ok: false, why: `dead letter of a stage the order cannot go back to (${stage || 'none named'}); replay the dead letter instead` };
    }
    case 'cancel_after_waybill':
    case 'cancel_after_pick':
    case 'address_change_after_waybill':
      return { ok: false, why: 'the parcel is with the carrier: intercept or redirect it, then close the order by hand' };
    default:
      return { ok: false, why: `no retry for exception type ${type}` };
  }
}

/**
 * Retries exception orders: each goes back to the status its `retryDecision` names (only if it
 * is still that exception) and its id is handed to the stage again, as `redrive` does.
 * Idempotent: a second call moves and sends nothing. Returns how many were retried.
 */
export async function retryExceptions(db: Db, js: JetStreamClient, names: Names, orders: readonly { id: string; type: string; detail: string }[]): Promise<number> {
  const wanted = orders.flatMap((o) => {
    const decision = retryDecision(o.type, o.detail);
    return decision.ok ? [{ orderId: o.id, type: o.type, to: decision.to }] : [];
  });
  const moved = await putBackExceptions(db, wanted);
  return redriveOrders(js, names, moved, `retry:${Date.now()}`);
}
