import { recordEvents, transition } from '../../sql/queries/orders.ts';
import { fen } from '../../streams/money.ts';
import { orderStepStage, type StepResult } from '../order-step.ts';

/**
 * pricing: for now the payment check (list - discounts + shipping = paid). A mismatch makes the
 * order an exception for an operator; it is never silently fixed.
 */
export const pricingStage = orderStepStage({
  stage: 'pricing',
  from: 'received',
  to: 'priced',
  next: 'routing',
  async apply(ids, ctx) {
    const results = new Map<string, StepResult>();
    if (ids.length === 0) return results;
    const rows = await ctx.db
      .selectFrom('orders')
      .select(['id', 'goods_fen', 'discount_fen', 'shipping_fen', 'paid_fen'])
      .where('id', 'in', ids)
      .execute();
    const checks = await ctx.pool.run(
      'checkPayment',
      rows.map((r) => ({
        amounts: { goods: fen(r.goods_fen), discount: fen(r.discount_fen), shipping: fen(r.shipping_fen), paid: fen(r.paid_fen) },
      })),
    );
    const priced = rows.filter((_, i) => checks[i]!.ok).map((r) => r.id);
    const mismatched = rows.flatMap((r, i) => {
      const check = checks[i]!;
      return check.ok ? [] : [{ id: r.id, detail: check.detail }];
    });
    await ctx.db.transaction().execute(async (trx) => {
      const moved = await transition(trx, priced, 'received', 'priced');
      await recordEvents(trx, [...moved].map((orderId) => ({ orderId, key: 'priced', type: 'priced' })));
      for (const { id, detail } of mismatched) {
        const flagged = await transition(trx, [id], 'received', 'exception', {
          exceptionType: 'payment_mismatch',
          exceptionDetail: detail,
        });
        await recordEvents(
          trx,
          [...flagged].map((orderId) => ({ orderId, key: 'exception', type: 'exception', detail: { type: 'payment_mismatch', detail } })),
        );
      }
    });
    for (const id of priced) results.set(id, { kind: 'moved' });
    for (const { id } of mismatched) results.set(id, { kind: 'exception' });
    return results;
  },
});
