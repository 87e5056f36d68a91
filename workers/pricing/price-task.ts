import { definePoolTask } from '../pool-task.ts';
import { decidePricing, type PricingDecision, type PricingInput, type VersionedRuleSet } from './decide-pricing.ts';

/** pricing's pool task: prices a batch; the rule set travels with it and each thread compiles a version once. */
export default definePoolTask(import.meta.url, ({ ruleSet, orders }: { ruleSet: VersionedRuleSet | undefined; orders: readonly PricingInput[] }): PricingDecision[] =>
  orders.map((order) => decidePricing(order, ruleSet)),
);
