import { channelSchema, type CanonicalOrder, type NormalizeResult } from '../streams/canonical-order.ts';
import { adapterFor } from './ingest/adapters/index.ts';
import { checkPayment, type PaymentCheck } from './pricing/check-payment.ts';

/**
 * The CPU-bound work the stages hand to the piscina pool. Each task takes a whole batch, so one
 * thread hop carries many messages.
 */
export const tasks = {
  normalize(items: readonly { channel: string; payload: unknown }[]): NormalizeResult[] {
    return items.map(({ channel, payload }) => {
      const known = channelSchema.safeParse(channel);
      if (!known.success) return { ok: false, errors: [{ path: 'channel', message: `unknown channel ${JSON.stringify(channel)}` }] };
      return adapterFor(known.data)(payload);
    });
  },
  checkPayment(orders: readonly Pick<CanonicalOrder, 'amounts'>[]): PaymentCheck[] {
    return orders.map(checkPayment);
  },
};

export type Tasks = typeof tasks;
export type TaskName = keyof Tasks;
