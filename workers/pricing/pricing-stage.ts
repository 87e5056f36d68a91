import { loadPricingInputs, latestRuleSetVersion, loadRuleSet, recordPricing, setLinePayables } from '../../sql/queries/pricing.ts';
import { recordEvents, transition } from '../../sql/queries/orders.ts';
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
    await ctx.db.transaction().execute(async (trx) => {
      const priced = inputs.filter((_, i) => decisions[i]!.ok).map((o) => o.orderId);
      const moved = await transition(trx, priced, 'received', 'priced');
      const records = [];
      const payables = [];
      const giftLines = [];
      for (const [i, input] of inputs.entries()) {
        const decision = decisions[i]!;
        if (decision.ok && !moved.has(input.orderId)) continue;
        if (!decision.ok) {
          const flagged = await transition(trx, [input.orderId], 'received', 'exception', { exceptionType: decision.type, exceptionDetail: decision.detail });
          if (flagged.size === 0) continue;
          await recordEvents(trx, [{ orderId: input.orderId, key: 'exception', type: 'exception', detail: { type: decision.type, detail: decision.detail } }]);
          if (decision.result) records.push({ orderId: input.orderId, method: decision.method, ruleSetVersion: version(decision), payable: 0, result: decision.result });
          results.set(input.orderId, { kind: 'exception' });
          continue;
        }
        records.push({ orderId: input.orderId, method: decision.method, ruleSetVersion: version(decision), payable: decision.payable, result: 'result' in decision ? decision.result : {} });
        const lines: readonly { lineId: string; payable: number }[] = decision.method === 'check' ? [] : decision.result.lines;
        for (const line of lines) payables.push({ orderId: input.orderId, lineId: line.lineId, payable: line.payable });
        if (decision.method === 'engine') {
          // A gift a promotion adds becomes a line of its own, so it is reserved and ships with its main line.
          const known = new Set(input.lines.map((l) => l.lineId));
          for (const line of decision.result.lines.filter((l) => !known.has(l.lineId))) {
            giftLines.push({ order_id: input.orderId, line_id: line.lineId, sku: line.sku, platform_sku_id: '', title: `gift: ${line.sku}`, qty: line.qty, unit_price_fen: 0, payable_fen: 0, refund_status: 'none', gift: true });
          }
        }
        results.set(input.orderId, { kind: 'moved' });
      }
      if (giftLines.length > 0) await trx.insertInto('order_lines').values(giftLines).onConflict((oc) => oc.columns(['order_id', 'line_id']).doNothing()).execute();
      await setLinePayables(trx, payables);
      await recordPricing(trx, records);
      await recordEvents(
        trx,
        records.filter((r) => moved.has(r.orderId)).map((r) => ({ orderId: r.orderId, key: 'priced', type: 'priced', detail: { method: r.method, ruleSetVersion: r.ruleSetVersion, payable: r.payable } })),
      );
    });
    // Orders no longer 'received' when the transaction ran were cancelled or moved on meanwhile.
    for (const id of ids) if (!results.has(id)) results.set(id, { kind: 'skipped' });
    return results;
  },
});
