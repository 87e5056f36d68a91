import type { JetStreamClient } from '@nats-io/jetstream';
import type { Names } from './names.ts';
import { STAGE_FOR_STATUS, type OrderStatus } from './pipeline.ts';

/**
 * Hands orders to the stage their status waits for. JetStream acknowledges before it writes to
 * disk, so a crash can lose a stage's message; Postgres still knows where each order is. Stages
 * are idempotent, so re-driving an order that was only slow does no harm. `nonce` makes the
 * message ids new, so JetStream's duplicate window does not swallow them.
 */
export async function redriveOrders(
  js: JetStreamClient,
  names: Names,
  orders: readonly { id: string; channel: string; status: OrderStatus }[],
  nonce: string,
): Promise<number> {
  const encoder = new TextEncoder();
  let sent = 0;
  await Promise.all(
    orders.map(async (o) => {
      const stage = STAGE_FOR_STATUS[o.status];
      if (!stage) return;
      await js.publish(names.stageSubject(stage, o.channel), encoder.encode(JSON.stringify({ orderId: o.id })), { msgID: `redrive:${nonce}:${o.id}:${o.status}` });
      sent++;
    }),
  );
  return sent;
}
