import { canonicalOrderSchema, type CanonicalOrder } from '../../streams/canonical-order.ts';
import { stageMsgId } from '../../streams/messages.ts';
import { nextStage } from '../../streams/pipeline.ts';
import { insertNewOrders, recordEvents, type OrderEvent } from '../../sql/queries/orders.ts';
import { countStale, lockKnownOrders, storeVersion } from '../../sql/queries/order-updates.ts';
import { releaseReservations } from '../../sql/queries/reservations.ts';
import { requestInterception } from '../../sql/queries/waybills.ts';
import { requestPickCancel } from '../../sql/queries/picks.ts';
import { decodeJson, done, type Stage } from '../stage.ts';
import { decideUpdate, initialStatus } from './decide-update.ts';

/** The stage a received order goes to next. */
const NEXT = nextStage('dedupe')!;

/**
 * dedupe: one order per (channel, external id), enforced by the unique key in Postgres, and the
 * place where later versions of a known order (paid, cancelled, refunded, readdressed) overtake
 * it wherever it is. From here on every order is in the system of record.
 */
export const dedupeStage: Stage<CanonicalOrder> = {
  name: 'dedupe',
  decode: (data) => decodeJson(data, canonicalOrderSchema),
  async handle(batch, ctx) {
    // Several versions of one order in a batch: the newest is the one that counts.
    const newest = new Map<string, CanonicalOrder>();
    for (const { body } of batch) {
      const seen = newest.get(body.id);
      if (!seen || body.version > seen.version) newest.set(body.id, body);
    }
    const toPricing = new Set<string>();
    await ctx.db.transaction().execute(async (trx) => {
      const orders = [...newest.values()];
      const inserted = await insertNewOrders(trx, orders, initialStatus);
      const events: OrderEvent[] = orders
        .filter((o) => inserted.has(o.id))
        .map((o) => ({ orderId: o.id, key: initialStatus(o), type: initialStatus(o), detail: { paidAt: o.paidAt, version: o.version } }));
      for (const o of orders) if (inserted.has(o.id) && initialStatus(o) === 'received') toPricing.add(o.id);

      const known = await lockKnownOrders(trx, orders.filter((o) => !inserted.has(o.id)).map((o) => o.id));
      const stale: string[] = [];
      // Released together after the loop: one statement locking the stock rows in routing's order.
      const cancelled: string[] = [];
      for (const [id, stored] of known) {
        const incoming = newest.get(id)!;
        const decision = decideUpdate(stored, incoming);
        switch (decision.kind) {
          case 'stale':
            stale.push(id);
            break;
          case 'duplicate':
            // Maybe its pricing message was lost in a crash: hand it on again (the message id
            // stops a second copy).
            if (stored.status === 'received') toPricing.add(id);
            break;
          case 'update': {
            const { action } = decision;
            const detail = { version: incoming.version, changes: decision.changes, action: action.kind };
            events.push({ orderId: id, key: `update:v${incoming.version}`, type: 'updated', detail });
            switch (action.kind) {
              case 'cancel': {
                // A picked parcel shared with a live order is picked anyway: an operator's to sort out.
                const { sharedParcel } = await requestPickCancel(trx, id);
                if (sharedParcel) {
                  const exception = { type: 'cancel_after_pick', detail: `${action.reason}: its picked parcel carries other orders too; take its items out by hand` };
                  await storeVersion(trx, incoming, { status: 'exception', exception });
                  events.push({ orderId: id, key: `exception:v${incoming.version}`, type: 'exception', detail: exception });
                  break;
                }
                await storeVersion(trx, incoming, { status: 'cancelled' });
                cancelled.push(id);
                events.push({ orderId: id, key: 'cancelled', type: 'cancelled', detail: { reason: action.reason } });
                break;
              }
              case 'intercept': {
                const { sharedParcel } = await requestInterception(trx, id);
                if (sharedParcel) {
                  // Its parcel ships anyway with another order's goods: only an operator can take its items out.
                  const exception = { type: 'cancel_after_waybill', detail: `${action.reason}: its parcel carries other orders too; take its items out by hand` };
                  await storeVersion(trx, incoming, { status: 'exception', exception });
                  events.push({ orderId: id, key: `exception:v${incoming.version}`, type: 'exception', detail: exception });
                  break;
                }
                await storeVersion(trx, incoming, { status: 'cancelled' });
                cancelled.push(id);
                events.push({ orderId: id, key: 'cancelled', type: 'cancelled', detail: { reason: action.reason, interception: 'requested' } });
                break;
              }
              case 'exception':
                await storeVersion(trx, incoming, { status: 'exception', exception: { type: action.type, detail: action.detail } });
                events.push({ orderId: id, key: `exception:v${incoming.version}`, type: 'exception', detail: { type: action.type, detail: action.detail } });
                break;
              case 'readdress':
                await storeVersion(trx, incoming, { address: incoming.address });
                break;
              case 'release':
                await storeVersion(trx, incoming, { status: 'received' });
                events.push({ orderId: id, key: 'received', type: 'received', detail: { paidAt: incoming.paidAt, version: incoming.version } });
                toPricing.add(id);
                break;
              case 'record':
                await storeVersion(trx, incoming, {});
                if (stored.status === 'received') toPricing.add(id);
                break;
              default: {
                const never: never = action;
                throw new Error(`unknown update action ${JSON.stringify(never)}`);
              }
            }
            break;
          }
          default: {
            const never: never = decision;
            throw new Error(`unknown update decision ${JSON.stringify(never)}`);
          }
        }
      }
      await releaseReservations(trx, cancelled);
      await countStale(trx, stale);
      // An older copy in the same batch as a newer one is stale too.
      await countStale(trx, batch.filter((d) => d.body.version < newest.get(d.body.id)!.version).map((d) => d.body.id));
      await recordEvents(trx, events);
    });
    const handedOn = new Set<string>();
    return batch.map((d) => {
      const order = d.body;
      // Each order is handed on once per batch, with the message of its newest delivery.
      if (!toPricing.has(order.id) || handedOn.has(order.id) || newest.get(order.id) !== order) return done();
      handedOn.add(order.id);
      return done([{ stage: NEXT, channel: order.channel, body: { orderId: order.id }, msgId: stageMsgId(NEXT, order.id) }]);
    });
  },
};
