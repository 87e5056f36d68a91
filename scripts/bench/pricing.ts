// Pricing throughput on one core: a deterministic 200-promotion rule set compiled once, then orders
// of 1-10 lines priced in a timed single-threaded loop. Run: npx tsx scripts/bench/pricing.ts
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { compileRuleSet } from '../../workers/pricing/engine/compile-rule-set.ts';
import { parsePriceOrder, type PriceOrder } from '../../workers/pricing/engine/order-input.ts';
import { price } from '../../workers/pricing/engine/price.ts';
import { parseRuleSet } from '../../workers/pricing/engine/rule-set.ts';
import { mulberry32 } from '../seeded-random.ts';

const CATEGORIES = 50;
const SKUS = 5000;
const ORDERS = 20_000;
const WARM_UP_MS = 1_000;
const TIMED_MS = 4_000;


// Seeded, so every run uses the same data.
const rand = mulberry32(20261212);
const int = (min: number, max: number): number => min + Math.floor(rand() * (max - min + 1));
const pick = <T>(values: readonly T[]): T => values[int(0, values.length - 1)] as T;
const category = (i: number): string => `cat-${String(i).padStart(2, '0')}`;
const sku = (i: number): string => `SKU-${String(i).padStart(4, '0')}`;
/** A sku's category is fixed, as in a catalogue. */
const categoryOfSku = (i: number): string => category(i % CATEGORIES);
const someSkus = (): string[] => Array.from({ length: int(1, 40) }, () => sku(int(0, SKUS - 1)));
const someCategories = (): string[] => Array.from({ length: int(1, 3) }, () => category(int(0, CATEGORIES - 1)));
const unique = (values: string[]): string[] => [...new Set(values)];

function itemScope(): object {
  const roll = rand();
  if (roll < 0.03) return {};
  if (roll < 0.55) return { skus: unique(someSkus()) };
  if (roll < 0.9) return { categories: unique(someCategories()) };
  return { skus: unique(someSkus()), categories: unique(someCategories()) };
}

function restrictions(): object {
  const out: Record<string, unknown> = {};
  if (rand() < 0.15) out['channels'] = pick([['shop'], ['shop', 'pos'], ['pos'], ['tmall', 'jd']]);
  if (rand() < 0.2) out['requiresClaim'] = true;
  if (rand() < 0.15) out['validFrom'] = '2026-12-12T00:00:00+08:00';
  if (rand() < 0.15) out['validTo'] = '2026-12-12T02:00:00+08:00';
  if (rand() < 0.05) out['stackable'] = false;
  return out;
}

function promotion(i: number): object {
  const id = `P-${String(i).padStart(3, '0')}`;
  const common = { id, ...restrictions() };
  if (i < 100) {
    const scope = itemScope();
    switch (i % 5) {
      case 0:
        return { ...common, ...scope, level: 'item', type: 'percent_off', percentOff: int(5, 40) };
      case 1:
        return { ...common, ...scope, level: 'item', type: 'nth_item_percent_off', nth: int(2, 3), percentOff: pick([50, 100]) };
      case 2:
        return { ...common, ...scope, level: 'item', type: 'fixed_price', price: int(500, 30000) };
      case 3:
        return { ...common, ...scope, level: 'item', type: 'buy_n_get_m', buy: int(2, 3), free: 1 };
      default:
        return { ...common, ...scope, level: 'item', type: 'gift', minQty: int(1, 3), giftSku: `GIFT-${i}`, giftQty: 1 };
    }
  }
  if (i < 160) {
    const threshold = int(50, 500) * 100;
    return {
      ...common,
      level: 'category',
      type: 'threshold_off',
      categories: unique(someCategories()),
      threshold,
      amountOff: Math.floor(threshold * int(5, 20) / 100),
      ...(rand() < 0.3 ? { repeat: true, cap: threshold } : {}),
    };
  }
  if (i < 190) {
    const threshold = int(100, 1000) * 100;
    return {
      ...common,
      level: i < 180 ? 'store' : 'platform',
      type: 'threshold_off',
      threshold,
      amountOff: Math.floor(threshold * int(5, 15) / 100),
      ...(rand() < 0.3 ? { repeat: true, cap: threshold / 2 } : {}),
    };
  }
  return { ...common, level: pick(['category', 'store', 'platform']), type: 'free_shipping', threshold: int(50, 300) * 100 };
}

const rulesParsed = parseRuleSet({ promotions: Array.from({ length: 200 }, (_, i) => promotion(i)) });
if (!rulesParsed.ok) throw new Error(`bench rule set is invalid: ${rulesParsed.errors.join('; ')}`);
const claimable = rulesParsed.value.promotions.filter((p) => p.requiresClaim === true).map((p) => p.id);

const orders: PriceOrder[] = Array.from({ length: ORDERS }, (_, n) => {
  const lines = Array.from({ length: int(1, 10) }, (_, i) => {
    const s = int(0, SKUS - 1);
    return { lineId: String(i + 1), sku: sku(s), category: categoryOfSku(s), qty: int(1, 5), unitPrice: int(5, 500) * 100 - pick([0, 1, 10]) };
  });
  const parsed = parsePriceOrder({
    orderId: `bench-${n}`,
    channel: pick(['shop', 'shop', 'shop', 'pos', 'tmall']),
    placedAt: pick(['2026-12-12T00:03:00+08:00', '2026-12-12T08:00:00+08:00', '2026-12-11T23:59:00+08:00']),
    lines,
    shippingFee: pick([0, 600, 1000]),
    coupons: rand() < 0.5 ? [pick(claimable), pick(claimable)] : [],
  });
  if (!parsed.ok) throw new Error(`bench order is invalid: ${parsed.errors.join('; ')}`);
  return parsed.value;
});

const compileStart = performance.now();
const compiled = compileRuleSet(rulesParsed.value);
const compileMs = performance.now() - compileStart;

/**
 * Prices orders round-robin until `ms` of wall time pass. Also takes the process's CPU time: on a
 * busy machine the wall clock counts time spent waiting for a core, CPU time does not. It is the
 * whole process (GC helper threads included), so it errs on the slow side.
 */
function loop(ms: number): { priced: number; elapsed: number; cpu: number; checksum: number } {
  let priced = 0;
  let checksum = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    // Read the clock every 256 orders so timing costs nothing measurable.
    for (let k = 0; k < 256; k++) {
      const result = price(orders[priced % ORDERS] as PriceOrder, compiled);
      // The checksum keeps the results observable so no work can be optimized away.
      checksum = (checksum + result.payable + result.trace.length) % 1_000_000_007;
      priced++;
    }
    elapsed = performance.now() - start;
  }
  const cpuUsed = process.cpuUsage(cpuStart);
  return { priced, elapsed, cpu: (cpuUsed.user + cpuUsed.system) / 1000, checksum };
}

const byLevel = new Map<string, number>();
for (const p of rulesParsed.value.promotions) byLevel.set(p.level, (byLevel.get(p.level) ?? 0) + 1);
const avgLines = orders.reduce((s, o) => s + o.lines.length, 0) / ORDERS;
const rate = (orders: number, ms: number): string => Math.round((orders / ms) * 1000).toLocaleString('en-US');
console.log(
  `pricing bench: ${rulesParsed.value.promotions.length} promotions (${[...byLevel].map(([l, n]) => `${n} ${l}`).join(', ')}) over ${CATEGORIES} categories and ${SKUS} skus; ${ORDERS} distinct orders of 1-10 lines (avg ${avgLines.toFixed(1)})`,
);
console.log(`compile once: ${compileMs.toFixed(2)} ms`);
const warm = loop(WARM_UP_MS);
console.log(`warm-up: ${(warm.elapsed / 1000).toFixed(2)} s, ${warm.priced} orders`);
const timed = loop(TIMED_MS);
console.log(
  `timed: ${(timed.elapsed / 1000).toFixed(2)} s wall, ${(timed.cpu / 1000).toFixed(2)} s CPU, ${timed.priced} orders priced, checksum ${timed.checksum}`,
);
console.log(
  `${rate(timed.priced, timed.cpu)} orders/s per core (per CPU-second of the process, ${((timed.cpu * 1000) / timed.priced).toFixed(1)} µs/order)`,
);
console.log(`${rate(timed.priced, timed.elapsed)} orders/s wall clock (load average ${loadavg()[0]?.toFixed(2)} on ${availableParallelism()} cores)`);

