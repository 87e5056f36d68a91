import { channelSchema, type NormalizeResult } from '../streams/canonical-order.ts';
import { adapterFor } from './ingest/adapters/index.ts';
import { decidePricing, type PricingDecision, type PricingInput, type VersionedRuleSet } from './pricing/decide-pricing.ts';

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
  /** Prices a batch; the rule set travels with it and each thread compiles a version once. */
  price({ ruleSet, orders }: { ruleSet: VersionedRuleSet | undefined; orders: readonly PricingInput[] }): PricingDecision[] {
    return orders.map((order) => decidePricing(order, ruleSet));
  },
};

export type Tasks = typeof tasks;
export type TaskName = keyof Tasks;
