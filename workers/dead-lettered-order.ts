import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { Db, OrderStatus } from '../sql/database.ts';
import { clearDeadLettered, flagDeadLettered } from '../sql/queries/orders.ts';
import { replayDeadLetters, type DeadLetter } from '../streams/dead-letter.ts';
import { orderRefSchema } from '../streams/messages.ts';
import type { Names } from '../streams/names.ts';
import { stageDefinition, type StageName } from '../streams/pipeline.ts';

const decoder = new TextDecoder();

/**
 * The order a dead-lettered message of `stage` was about, with the status that stage moves it on
 * from; undefined for stages before the order is in Postgres (ingest, dedupe), side steps (which
 * leave the status alone) and messages that name no order.
 *
 * @example
 * deadLetteredOrder('waybill', encode('{"orderId":"shop:1"}')) // { orderId: 'shop:1', from: 'picking' }
 */
export function deadLetteredOrder(stage: StageName, payload: Uint8Array): { orderId: string; from: OrderStatus } | undefined {
  const { from, to } = stageDefinition(stage);
  if (from === null || to === null) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(decoder.decode(payload));
  } catch {
    return undefined;
  }
  const ref = orderRefSchema.safeParse(body);
  return ref.success ? { orderId: ref.data.orderId, from } : undefined;
}

/**
 * After a message is dead-lettered: its order, if still waiting for that stage, becomes a
 * `dead_letter` exception naming the stage and the reason, so it does not sit unseen in `routed`
 * or `waybilled`. `dlq replay` puts it back.
 */
export async function flagDeadLetteredOrder(db: Db, stage: StageName, payload: Uint8Array, reason: string): Promise<void> {
  const order = deadLetteredOrder(stage, payload);
  if (order) await flagDeadLettered(db, [{ orderId: order.orderId, stage, reason }], order.from);
}

/**
 * Replays dead letters (see `replayDeadLetters`), first putting back the orders they made
 * `dead_letter` exceptions into the status their stage takes them from, so the replayed messages
 * are processed. Returns the letters replayed and how many orders were put back.
 */
export async function replayWithOrders(
  db: Db,
  bus: { js: JetStreamClient; jsm: JetStreamManager },
  names: Names,
  letters: readonly DeadLetter[],
): Promise<{ replayed: DeadLetter[]; ordersPutBack: number }> {
  let ordersPutBack = 0;
  for (const letter of letters) {
    const order = deadLetteredOrder(letter.stage, letter.payload);
    if (order) ordersPutBack += (await clearDeadLettered(db, [order.orderId], order.from)).size;
  }
  return { replayed: await replayDeadLetters(bus.js, bus.jsm, names, letters), ordersPutBack };
}
