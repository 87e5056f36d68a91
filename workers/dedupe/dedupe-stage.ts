import { canonicalOrderSchema, type CanonicalOrder } from '../../streams/canonical-order.ts';
import { stageMsgId } from '../../streams/messages.ts';
import { insertNewOrders, recordEvents, statusesOf } from '../../sql/queries/orders.ts';
import { decodeJson, done, type Stage } from '../stage.ts';

/**
 * dedupe: one order per (channel, external id), enforced by the unique key in Postgres. From
 * here on every order is in the system of record, so anything stuck can be re-driven.
 */
export const dedupeStage: Stage<CanonicalOrder> = {
  name: 'dedupe',
  decode: (data) => decodeJson(data, canonicalOrderSchema),
  async handle(batch, ctx) {
    // Two copies of one order in a batch: the first wins, the rest are the same order.
    const unique = [...new Map(batch.map((d) => [d.body.id, d.body])).values()];
    const inserted = await ctx.db.transaction().execute(async (trx) => {
      const ids = await insertNewOrders(trx, unique);
      await recordEvents(
        trx,
        unique
          .filter((o) => ids.has(o.id))
          .map((o) => ({ orderId: o.id, key: 'received', type: 'received', detail: { paidAt: o.paidAt, version: o.version } })),
      );
      return ids;
    });
    // A known order still waiting for pricing may have lost its pricing message in a crash:
    // hand it on again (the message id stops a second copy). One already further on is done.
    const statuses = await statusesOf(ctx.db, unique.filter((o) => !inserted.has(o.id)).map((o) => o.id));
    return batch.map((d) => {
      const order = d.body;
      const stillWaiting = inserted.has(order.id) || statuses.get(order.id) === 'received';
      return done(stillWaiting ? [{ stage: 'pricing', channel: order.channel, body: { orderId: order.id }, msgId: stageMsgId('pricing', order.id) }] : []);
    });
  },
};
