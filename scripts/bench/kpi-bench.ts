/**
 * KPI queries on a million orders: generates `--orders` orders (default 1,000,000) over the last
 * seven days in a throwaway database on the configured Postgres (with exceptions, merged and
 * single shipments, held and released reservations), then times `readKpis` for today (China time)
 * and the whole week: the first read (which rolls up the hours) and the next ones, with the
 * EXPLAIN ANALYZE execution time of every statement. Drops the database at the end. Not part
 * of `npm test`.
 *
 *   npx tsx scripts/bench/kpi-bench.ts [--orders N] [--keep]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect, sql, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../../cli/config.ts';
import { ensureServers } from '../servers/ensure-servers.ts';
import { createDatabaseIfMissing, dropDatabase } from '../servers/postgres-server.ts';
import type { Database, Db } from '../../sql/database.ts';
import { migrateToLatest } from '../../sql/migrate.ts';
import { readKpis, inventoryAccuracy, activityBetween } from '../../sql/queries/kpis.ts';
import { periodStart } from '../../workers/kpi/exception-alert.ts';

/**
 * Orders evenly over the last 7 days; every 20th an exception (5 types), 90% waybilled 10-120
 * minutes after payment (every 10th of those shares a shipment with the next order), one held
 * reservation per order on 2,000 SKUs (every 7th released instead), stock counters to match.
 */
async function generate(db: Db, now: Date): Promise<void> {
  const span = 7 * 86_400;
  const nowIso = now.toISOString();
  await sql`
    insert into orders (id, channel, external_id, status, channel_status, refund_status, version, placed_at, paid_at, channel_updated_at,
                        buyer, address, payment_method, goods_fen, discount_fen, shipping_fen, paid_fen, raw, created_at)
    select 'shop:' || g, 'shop', g::text,
           case when g % 20 = 0 then 'exception' when g % 10 < 9 then 'waybilled' else 'routed' end,
           'paid', 'none', 1, p, p + interval '30 seconds', p, 'b' || (g % 50000), '{}', 'online', 10000, 0, 0, 10000, '{}', p + interval '5 seconds'
      from generate_series(1, ${ORDERS}::int) g,
           lateral (select ${nowIso}::timestamptz - make_interval(secs => ${span}::float8 * g / ${ORDERS}::int) as p) t`.execute(db);
  await sql`
    insert into order_events (order_id, key, type, at, detail)
    select 'shop:' || g, 'exception', 'exception', ${nowIso}::timestamptz - make_interval(secs => ${span}::float8 * g / ${ORDERS}::int) + interval '1 minute',
           jsonb_build_object('type', (array['backorder', 'payment_mismatch', 'bad_address', 'dead_letter', 'waybill_rejected', 'cancel_after_waybill'])[1 + (g / 20) % 6], 'detail', 'generated')
      from generate_series(20, ${ORDERS}::int, 20) g`.execute(db);
  // Every order also has a 'routed' and a 'waybilled' event, as the pipeline writes them, so the
  // exception index has company in its table.
  await sql`
    insert into order_events (order_id, key, type, at, detail)
    select 'shop:' || g, k, k, ${nowIso}::timestamptz - make_interval(secs => ${span}::float8 * g / ${ORDERS}::int) + interval '2 minutes', '{}'
      from generate_series(1, ${ORDERS}::int) g, unnest(array['routed', 'waybilled']) k
     where g % 20 <> 0`.execute(db);
  await sql`
    insert into shipments (id, order_id, warehouse, waybill_no, carrier, waybilled_at)
    select 's' || g, 'shop:' || g, 'suzhou', case when g % 10 < 9 then 'W' || g end, case when g % 10 < 9 then 'sim' end,
           case when g % 10 < 9 then ${nowIso}::timestamptz - make_interval(secs => ${span}::float8 * g / ${ORDERS}::int) + make_interval(mins => 10 + g % 110) end
      from generate_series(1, ${ORDERS}::int) g where g % 20 <> 0 and g % 10 <> 1`.execute(db);
  // Orders ending in 1 ride in the shipment of the order after them (a merge).
  await sql`
    insert into shipment_orders (shipment_id, order_id)
    select case when g % 10 = 1 then 's' || (g + 1) else 's' || g end, 'shop:' || g
      from generate_series(1, ${ORDERS}::int) g where g % 20 <> 0 and (g % 10 <> 1 or (g + 1) % 20 <> 0)`.execute(db);
  await sql`insert into inventory (sku, warehouse, on_hand) select 'sku' || s, 'suzhou', 1000000 from generate_series(1, 2000) s`.execute(db);
  await sql`
    insert into reservations (order_id, line_id, sku, warehouse, qty, status)
    select 'shop:' || g, '1', 'sku' || (1 + g % 2000), 'suzhou', 1 + g % 3, case when g % 7 = 0 then 'released' else 'held' end
      from generate_series(1, ${ORDERS}::int) g`.execute(db);
  await sql`
    update inventory i set reserved = h.qty
      from (select sku, warehouse, sum(qty)::int as qty from reservations where status = 'held' group by sku, warehouse) h
     where i.sku = h.sku and i.warehouse = h.warehouse`.execute(db);
}

/** Statements `db` sends while `capturing` is on: the bench explains exactly what the KPI code sends. */
const captured: CompiledQuery[] = [];
let capturing = false;

/** Runs `fn` once to warm the cache, times a second run, then prints the EXPLAIN ANALYZE execution time and scans of each statement it sent. */
async function explain(db: Db, pool: pg.Pool, label: string, fn: (d: Db) => Promise<unknown>): Promise<void> {
  await fn(db);
  captured.length = 0;
  capturing = true;
  const start = performance.now();
  await fn(db);
  const wall = performance.now() - start;
  capturing = false;
  const plans: string[] = [];
  for (const q of captured) {
    const result = await pool.query(`explain (analyze, buffers) ${q.sql}`, q.parameters as unknown[]);
    plans.push(result.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n'));
  }
  const executionMs = plans.map((plan) => Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN));
  console.log(`  ${label}: ${wall.toFixed(0)} ms wall; ${plans.length} statements, EXPLAIN ANALYZE execution ms: ${executionMs.map((ms) => ms.toFixed(1)).join(', ')} (sum ${executionMs.reduce((x, y) => x + y, 0).toFixed(1)})`);
  for (const plan of plans) {
    const lines = plan.split('\n').filter((l) => /Index|Seq Scan|Bitmap/.test(l) && !/Index Cond|Filter/.test(l));
    if (lines.length > 0) console.log(lines.map((l) => `      ${l.trim().replace(/^->\s*/, '').replace(/\(cost=[^)]*\) /, '')}`).join('\n'));
  }
}

const { values } = parseArgs({ options: { orders: { type: 'string', default: '1000000' }, keep: { type: 'boolean', default: false } } });
const ORDERS = Number(values.orders);
if (!Number.isInteger(ORDERS) || ORDERS < 1000) throw new Error(`--orders: must be an integer of at least 1000, got ${values.orders}`);

// The server's owner URL, as the pipeline benchmarks use it: it may create databases.
const serverUrl = (await ensureServers(loadConfig(), () => undefined)).databaseUrl;
const name = `ordersurge_kpibench_${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const admin = new URL(serverUrl);
admin.pathname = '/postgres';
const url = new URL(serverUrl);
url.pathname = `/${name}`;
await createDatabaseIfMissing(admin.toString(), name);
const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
const db: Db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: (event) => void (capturing && captured.push(event.query)) });
try {
  await migrateToLatest(db);
  const now = new Date();
  let t = performance.now();
  await generate(db, now);
  console.log(`generated ${ORDERS.toLocaleString('en')} orders in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  t = performance.now();
  await sql`vacuum analyze`.execute(db);
  console.log(`vacuum analyze ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const sizes = await sql<{ rel: string; rows: number; size: string }>`
    select relname as rel, reltuples::bigint as rows, pg_size_pretty(pg_total_relation_size(oid)) as size
      from pg_class where relname in ('orders', 'order_events', 'shipments', 'shipment_orders', 'reservations', 'inventory') order by relname`.execute(db);
  for (const r of sizes.rows) console.log(`  ${r.rel}: ${Number(r.rows).toLocaleString('en')} rows, ${r.size}`);

  const today = { from: periodStart(now, 86_400), to: now };
  const week = { from: new Date(now.getTime() - 7 * 86_400_000), to: now };
  for (const [label, period] of [['today', today], ['week', week]] as const) {
    console.log(`\n${label}: ${period.from.toISOString()} .. ${period.to.toISOString()}`);
    let start = performance.now();
    await readKpis(db, period);
    console.log(`  readKpis, first read (rolls up the hours not rolled up yet): ${(performance.now() - start).toFixed(0)} ms`);
    const runs: number[] = [];
    let report;
    for (let i = 0; i < 3; i++) {
      start = performance.now();
      report = await readKpis(db, period);
      runs.push(performance.now() - start);
    }
    console.log(`  readKpis, next reads (alert included), wall ms of 3 runs: ${runs.map((r) => r.toFixed(0)).join(', ')}`);
    for (const k of report!.kpis) console.log(`    ${k.name} = ${k.value === null ? 'null' : k.value.toFixed(4)} (${k.note ?? ''})`);
    await explain(db, pool, 'period activity (rollups + live edges)', (d) => activityBetween(d, period.from, period.to));
    await explain(db, pool, 'inventory accuracy', (d) => inventoryAccuracy(d));
  }
} finally {
  await db.destroy();
  if (!values.keep) await dropDatabase(admin.toString(), name);
  else console.log(`kept database ${name}`);
}
