// Reservations per second: 10,000 SKUs stocked in the four demo warehouses, orders of 1-4 lines
// whose SKUs follow a Zipf law (a few best sellers take most lines), routed by routeBatch in
// batches of 128, several batches at once, against a database of its own on the configured
// Postgres. Counts order lines reserved per second, and checks nothing was oversold and no
// counter drifted. Run: npx tsx scripts/bench/reservations-bench.ts [--orders N] [--concurrency C]
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { loadConfig } from '../../cli/config.ts';
import { createDb, type Db } from '../../sql/database.ts';
import { migrateToLatest } from '../../sql/migrate.ts';
import { DEMO_WAREHOUSES } from '../../sql/queries/inventory.ts';
import { stockDrift } from '../../sql/queries/stock-ledger.ts';
import { activeRoutingRules } from '../../workers/routing/active-routing-rules.ts';
import { routeBatch } from '../../workers/routing/routing-stage.ts';
import { ensureServers } from '../servers/ensure-servers.ts';
import { createDatabaseIfMissing, dropDatabase } from '../servers/postgres-server.ts';
import { mulberry32 } from '../seeded-random.ts';

const { values: args } = parseArgs({ options: { orders: { type: 'string', default: '30000' }, concurrency: { type: 'string', default: '4' }, batch: { type: 'string', default: '128' }, zipf: { type: 'string', default: '1.1' } } });
const SKUS = 10_000;
const ORDERS = Number(args.orders);
const CONCURRENCY = Number(args.concurrency);
const BATCH = Number(args.batch);
const ZIPF_S = Number(args.zipf);
const PROVINCES = [['上海市', '310000'], ['江苏省', '320000'], ['广东省', '440000'], ['北京市', '110000'], ['四川省', '510000'], ['新疆维吾尔自治区', '650000'], ['浙江省', '330000'], ['湖北省', '420000']] as const;

// Seeded, so every run uses the same data.
const rand = mulberry32(20261111);

/** Zipf ranks 0..n-1: rank k drawn with weight 1/(k+1)^s. */
function zipf(n: number, s: number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) cdf[k] = total += 1 / (k + 1) ** s;
  return () => {
    const x = rand() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
const skuOf = (k: number) => `Z-${String(k).padStart(5, '0')}`;

async function seed(db: Db): Promise<{ ids: string[]; lines: number; hotShare: number }> {
  for (const warehouse of DEMO_WAREHOUSES) {
    await sql`insert into inventory (sku, warehouse, on_hand) select 'Z-' || lpad(k::text, 5, '0'), ${warehouse}, 1000000 from generate_series(0, ${SKUS - 1}) k`.execute(db);
  }
  const draw = zipf(SKUS, ZIPF_S);
  const ids: string[] = [];
  let lines = 0;
  let hot = 0;
  const now = new Date();
  for (let start = 0; start < ORDERS; start += 2000) {
    const orders = [];
    const orderLines = [];
    for (let i = start; i < Math.min(ORDERS, start + 2000); i++) {
      const id = `shop:z${i}`;
      ids.push(id);
      const [province, provinceCode] = PROVINCES[i % PROVINCES.length]!;
      orders.push({ id, channel: 'shop', external_id: `z${i}`, status: 'priced' as const, channel_status: 'paid', refund_status: 'none', version: 1, placed_at: now, paid_at: now, channel_updated_at: now, buyer: '', address: JSON.stringify({ province, provinceCode, city: '', district: '', street: '', detail: 'x', receiver: '', phone: '', postcode: '' }), payment_method: 'online', goods_fen: 5000, discount_fen: 0, shipping_fen: 0, paid_fen: 5000, coupons: '[]', buyer_message: '', seller_memo: '', raw: '{}' });
      const skus = new Set<number>();
      const want = 1 + Math.floor(rand() * 4);
      while (skus.size < want) skus.add(draw());
      let l = 0;
      for (const k of skus) {
        if (k < 100) hot++;
        orderLines.push({ order_id: id, line_id: String(++l), sku: skuOf(k), platform_sku_id: '', title: '', qty: 1 + Math.floor(rand() * 2), unit_price_fen: 5000, payable_fen: 5000, refund_status: 'none', gift: false });
      }
      lines += skus.size;
    }
    await db.insertInto('orders').values(orders).execute();
    await db.insertInto('order_lines').values(orderLines).execute();
  }
  return { ids, lines, hotShare: hot / lines };
}

const base = (await ensureServers(loadConfig(), () => undefined)).databaseUrl;
const name = `ordersurge_resbench_${Date.now().toString(36)}`;
const admin = new URL(base);
admin.pathname = '/postgres';
await createDatabaseIfMissing(admin.toString(), name);
const url = new URL(base);
url.pathname = `/${name}`;
const db = createDb(url.toString(), CONCURRENCY + 2);
try {
  await migrateToLatest(db);
  const { ids, lines, hotShare } = await seed(db);
  const rules = await activeRoutingRules(db);
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += BATCH) batches.push(ids.slice(i, i + BATCH));
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        await routeBatch(db, batch, 0, rules);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const { rows } = await sql<{ reserved_lines: number; routed: number; oversold: number }>`
    select (select count(*)::int from reservations where status = 'held') as reserved_lines,
           (select count(*)::int from orders where status = 'routed') as routed,
           (select count(*)::int from inventory where reserved > on_hand) as oversold`.execute(db);
  const r = rows[0]!;
  const drift = await stockDrift(db);
  console.log(
    JSON.stringify({
      skus: SKUS,
      warehouses: DEMO_WAREHOUSES.length,
      zipfS: ZIPF_S,
      hotTop100Share: Number(hotShare.toFixed(3)),
      orders: ORDERS,
      lines,
      batch: BATCH,
      concurrency: CONCURRENCY,
      seconds: Number(seconds.toFixed(2)),
      linesReservedPerSecond: Math.round(r.reserved_lines / seconds),
      ordersPerSecond: Math.round(r.routed / seconds),
      reservedLines: r.reserved_lines,
      routed: r.routed,
      oversold: r.oversold,
      drift: drift.length,
      cores: availableParallelism(),
      load1: Number(loadavg()[0]!.toFixed(2)),
    }),
  );
} finally {
  await db.destroy();
  await dropDatabase(admin.toString(), name);
}
