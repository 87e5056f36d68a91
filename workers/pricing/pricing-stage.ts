import { insertGiftLines, loadPricingInputs, latestRuleSetVersion, loadRuleSet, recordPricing, setLinePayables, type GiftLine, type PricingRecord } from '../../sql/queries/pricing.ts';
import { flagExceptions, moveOrders } from '../../sql/queries/orders.ts';
import type { Db } from '../../sql/database.ts';
import { orderStepStage, type StepResult } from '../order-step.ts';
import type { PricingDecision, VersionedRuleSet } from './decide-pricing.ts';
import type { RuleSet } from './engine/index.ts';
import priceTask from './price-task.ts';

/** Rule sets by version: a version never changes, so it is read from Postgres once. */
const ruleSets = new Map<number, VersionedRuleSet>();

async function activeRuleSet(db: Db): Promise<VersionedRuleSet | undefined> {
  const version = await latestRuleSetVersion(db);
  if (version === undefined) return undefined;
  let hit = ruleSets.get(version);
  if (!hit) {
    const stored = await loadRuleSet(db, version);
    if (!stored) return undefined;
    // Validated when it was saved (`ordersurge rules set`).
    hit = { version, rules: stored.rules as RuleSet };
    ruleSets.set(version, hit);
  }
  return hit;
}

/**
 * pricing: own channels are priced by the active promotion rule set, platform channels keep the
 * platform's price with its discounts apportioned to lines; either way the paid amount must add
 * up to the fen, or the order becomes a "payment mismatch" exception. The decision runs in the
 * pool; its trace and line allocations are stored for auditors.
 */
export const pricingStage = orderStepStage({
  stage: 'pricing',
  async apply(ids, ctx) {
    const results = new Map<string, StepResult>();
    const [inputs, ruleSet] = await Promise.all([loadPricingInputs(ctx.db, ids), activeRuleSet(ctx.db)]);
    const decisions = await ctx.pool.run(priceTask, { ruleSet, orders: inputs });
    const version = (d: PricingDecision) => (d.method === 'engine' ? (ruleSet?.version ?? null) : null);
    const decided = inputs.map((input, i) => ({ input, decision: decisions[i]! }));
    await ctx.db.transaction().execute(async (trx) => {
      const moved = await moveOrders(
        trx,
        decided.flatMap(({ input, decision: d }) => (d.ok ? [{ orderId: input.orderId, detail: { method: d.method, ruleSetVersion: version(d), payable: d.payable } }] : [])),
        'received',
        'priced',
        { key: 'priced', type: 'priced' },
      );
      const flagged = await flagExceptions(trx, decided.flatMap(({ input, decision: d }) => (d.ok ? [] : [{ orderId: input.orderId, type: d.type, detail: d.detail }])), 'received');
      const records: PricingRecord[] = [];
      const payables: { orderId: string; lineId: string; payable: number }[] = [];
      const gifts: GiftLine[] = [];
      for (const { input, decision } of decided) {
        if (!decision.ok) {
          if (!flagged.has(input.orderId)) continue;
          if (decision.result) records.push({ orderId: input.orderId, method: decision.method, ruleSetVersion: version(decision), payable: 0, result: decision.result });
          results.set(input.orderId, { kind: 'exception' });
          continue;
        }
        if (!moved.has(input.orderId)) continue;
        records.push({ orderId: input.orderId, method: decision.method, ruleSetVersion: version(decision), payable: decision.payable, result: 'result' in decision ? decision.result : {} });
        const lines: readonly { lineId: string; payable: number }[] = decision.method === 'check' ? [] : decision.result.lines;
        for (const line of lines) payables.push({ orderId: input.orderId, lineId: line.lineId, payable: line.payable });
        if (decision.method === 'engine') {
          // A gift a promotion adds becomes a line of its own, so it is reserved and ships with its main line.
          const known = new Set(input.lines.map((l) => l.lineId));
          for (const line of decision.result.lines.filter((l) => !known.has(l.lineId))) gifts.push({ orderId: input.orderId, lineId: line.lineId, sku: line.sku, qty: line.qty });
        }
        results.set(input.orderId, { kind: 'moved' });
      }
      await insertGiftLines(trx, gifts);
      await setLinePayables(trx, payables);
      await recordPricing(trx, records);
    });
    // Orders no longer 'received' when the transaction ran were cancelled or moved on meanwhile.
    for (const id of ids) if (!results.has(id)) results.set(id, { kind: 'skipped' });
    return results;
  },
});
