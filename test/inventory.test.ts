import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Kvm } from '@nats-io/kv';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../sql/database.ts';
import { setStock } from '../sql/queries/inventory.ts';
import { lockKnownOrders } from '../sql/queries/order-updates.ts';
import { releaseReservations } from '../sql/queries/reservations.ts';
import { setSafetyStock, stockDrift } from '../sql/queries/stock-ledger.ts';
import { atsBucketName, atsKey, openAtsBucket } from '../streams/ats-bucket.ts';
import { startAtsPublisher } from '../workers/inventory/ats-publisher.ts';
import { routeBatch } from '../workers/routing/routing-stage.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

const BIN = fileURLToPath(new URL('../bin/ordersurge.mjs', import.meta.url));
const PROVINCES = [['上海市', '310000'], ['新疆维吾尔自治区', '650000'], ['广东省', '440000'], ['北京市', '110000'], ['四川省', '510000']] as const;

/** Priced orders straight into Postgres, many at once: `lines` SKUs of one unit each. */
async function insertPriced(db: Db, orders: { id: string; channel: string; skus: readonly string[] }[]): Promise<void> {
  const now = new Date();
  await db
    .insertInto('orders')
    .values(
      orders.map((o, i) => {
        const [province, provinceCode] = PROVINCES[i % PROVINCES.length]!;
        const address = { province, provinceCode, city: 'c', district: '', street: '', detail: 'd', receiver: '', phone: '', postcode: '' };
        return { id: o.id, channel: o.channel, external_id: o.id.slice(o.id.indexOf(':') + 1), status: 'priced' as const, channel_status: 'paid', refund_status: 'none', version: 1, placed_at: now, paid_at: now, channel_updated_at: now, buyer: '', address: JSON.stringify(address), payment_method: 'online', goods_fen: 5000, discount_fen: 0, shipping_fen: 0, paid_fen: 5000, coupons: '[]', buyer_message: '', seller_memo: '', raw: '{}' };
      }),
    )
    .execute();
  await db
    .insertInto('order_lines')
    .values(orders.flatMap((o) => o.skus.map((sku, l) => ({ order_id: o.id, line_id: String(l + 1), sku, platform_sku_id: '', title: sku, qty: 1, unit_price_fen: 5000, payable_fen: 5000, refund_status: 'none', gift: false }))))
    .execute();
}

async function deadlocks(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`select deadlocks::int as n from pg_stat_database where datname = current_database()`.execute(db);
  return rows[0]?.n ?? 0;
}

describe('inventory', () => {
  let p: TestPipeline;

  beforeAll(async () => {
    p = await createTestPipeline();
  });
  afterAll(async () => {
    await new Kvm(p.bus.nc).open(atsBucketName(p.names)).then((kv) => kv.destroy()).catch(() => undefined);
    await p?.close();
  });

  it('never oversells: four channels, 1,000 orders of a hot SKU with 100 in stock across two warehouses', async () => {
    await setStock(p.db, 'HOT', 'suzhou', 60);
    await setStock(p.db, 'HOT', 'chengdu', 40);
    const channels = ['tmall', 'jd', 'douyin', 'shop'];
    const byChannel = channels.map((channel) => Array.from({ length: 250 }, (_, i) => ({ id: `${channel}:hot${i}`, channel, skus: ['HOT'] })));
    await insertPriced(p.db, byChannel.flat());
    // Each channel's orders routed in batches of 50, the four channels at once.
    await Promise.all(
      byChannel.map(async (orders) => {
        for (let i = 0; i < orders.length; i += 50) await routeBatch(p.db, orders.slice(i, i + 50).map((o) => o.id), 0);
      }),
    );
    const stock = await p.db.selectFrom('inventory').select(['warehouse', 'on_hand', 'reserved']).where('sku', '=', 'HOT').orderBy('warehouse').execute();
    expect(stock).toEqual([{ warehouse: 'chengdu', on_hand: 40, reserved: 40 }, { warehouse: 'suzhou', on_hand: 60, reserved: 60 }]);
    const statuses = await p.db.selectFrom('orders').select(['status', sql<number>`count(*)::int`.as('n')]).where('id', 'like', '%:hot%').groupBy('status').orderBy('status').execute();
    expect(statuses).toEqual([{ status: 'exception', n: 900 }, { status: 'routed', n: 100 }]);
    expect(await p.db.selectFrom('orders').select('id').where('id', 'like', '%:hot%').where('status', '=', 'exception').where('exception_type', '!=', 'backorder').execute()).toEqual([]);
    expect((await p.db.selectFrom('reservations').select(sql<number>`sum(qty)::int`.as('n')).where('sku', '=', 'HOT').where('status', '=', 'held').executeTakeFirstOrThrow()).n).toBe(100);
    expect(await stockDrift(p.db)).toEqual([]);
  }, 120_000);

  it('has no deadlock when a storm of cancels meets routing batches, and releases every reservation once', async () => {
    const skus = ['SA', 'SB', 'SC', 'SD', 'SE', 'SF'];
    for (const sku of skus) await setStock(p.db, sku, 'suzhou', 10_000);
    // Three lines each, of SKUs in an order of their own: so cancels touch stock rows in every order.
    const pick = (i: number) => [skus[i % 6]!, skus[(i * 5 + 1) % 6]!, skus[(i * 7 + 3) % 6]!].filter((s, k, all) => all.indexOf(s) === k);
    const first = Array.from({ length: 200 }, (_, i) => ({ id: `shop:storm${i}`, channel: 'shop', skus: pick(i) }));
    const second = Array.from({ length: 200 }, (_, i) => ({ id: `jd:storm${i}`, channel: 'jd', skus: pick(i + 3) }));
    await insertPriced(p.db, [...first, ...second]);
    for (let i = 0; i < first.length; i += 50) await routeBatch(p.db, first.slice(i, i + 50).map((o) => o.id), 0);
    const before = await deadlocks(p.db);

    // Dedupe's cancel path (lock the orders, mark them cancelled, release their stock) for the
    // routed orders in batches of 10, while the other 200 are routed in batches of 10.
    const cancel = async (ids: string[]) =>
      p.db.transaction().execute(async (trx) => {
        await lockKnownOrders(trx, ids);
        await trx.updateTable('orders').set({ status: 'cancelled' }).where('id', 'in', ids).execute();
        return releaseReservations(trx, ids);
      });
    const shuffled = [...first].sort((a, b) => ((a.id.length * 31 + a.id.charCodeAt(a.id.length - 1)) % 7) - ((b.id.length * 31 + b.id.charCodeAt(b.id.length - 1)) % 7));
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i += 10) {
      work.push(cancel(shuffled.slice(i, i + 10).map((o) => o.id)));
      work.push(routeBatch(p.db, second.slice(i, i + 10).map((o) => o.id), 0));
    }
    const outcomes = await Promise.allSettled(work);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
    // A second cancel of the same orders releases nothing more.
    expect(await cancel(first.slice(0, 10).map((o) => o.id))).toBe(0);
    // Statistics reach pg_stat_database within a second of a transaction's end.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await deadlocks(p.db)).toBe(before);

    expect(await p.db.selectFrom('reservations').select('order_id').where('order_id', 'like', 'shop:storm%').where('status', '!=', 'released').execute()).toEqual([]);
    const held = await p.db.selectFrom('reservations').select(sql<number>`count(*)::int`.as('n')).where('order_id', 'like', 'jd:storm%').where('status', '=', 'held').executeTakeFirstOrThrow();
    expect(held.n).toBe(second.reduce((n, o) => n + o.skus.length, 0));
    const reserved = await p.db.selectFrom('inventory').select(sql<number>`sum(reserved)::int`.as('n')).where('sku', 'in', skus).executeTakeFirstOrThrow();
    expect(reserved.n).toBe(held.n);
    expect(await stockDrift(p.db)).toEqual([]);
  }, 120_000);

  it('publishes available-to-sell per SKU and channel to the KV bucket on every change, less each channel\'s safety stock', async () => {
    const kv = await openAtsBucket(p.bus.nc, p.names);
    const publisher = await startAtsPublisher({ databaseUrl: p.databaseUrl, db: p.db, kv, log: () => undefined, intervalMs: 50 });
    try {
      const ats = async (channel: string) => {
        const entry = await kv.get(atsKey('ATS-TEA', channel));
        return entry && entry.operation === 'PUT' ? (JSON.parse(entry.string()) as { ats: number }).ats : undefined;
      };
      const wait = (channel: string, want: number) => eventually(async () => ((await ats(channel)) === want ? true : undefined), 10_000, `ATS-TEA on ${channel} = ${want}`);
      await setStock(p.db, 'ATS-TEA', 'suzhou', 6);
      await setStock(p.db, 'ATS-TEA', 'beijing', 4);
      await setSafetyStock(p.db, 'ATS-TEA', 'tmall', 3);
      await wait('tmall', 7);
      await wait('jd', 10);
      await insertPriced(p.db, [{ id: 'shop:ats1', channel: 'shop', skus: ['ATS-TEA'] }]);
      await routeBatch(p.db, ['shop:ats1'], 0);
      await wait('tmall', 6);
      await wait('jd', 9);
      await setSafetyStock(p.db, 'ATS-TEA', 'jd', 20);
      await wait('jd', 0);
    } finally {
      await publisher.stop();
    }
  }, 60_000);

  it('inventory check exits 1 and names the row when a counter drifts from its reservations', async () => {
    await setStock(p.db, 'DRIFT', 'guangzhou', 5);
    await sql`update inventory set reserved = 2 where sku = 'DRIFT'`.execute(p.db);
    expect(await stockDrift(p.db)).toEqual([{ sku: 'DRIFT', warehouse: 'guangzhou', reserved: 2, held: 0 }]);
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'inventory', 'check'], { env: { ...process.env, NATS_URL: p.config.natsUrl, DATABASE_URL: p.databaseUrl, ORDERSURGE_NAMESPACE: p.names.namespace }, timeout: 60_000 });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.on('close', (code) => resolve({ code, stdout }));
    });
    expect(result).toEqual({ code: 1, stdout: 'DRIFT DRIFT in guangzhou: reserved 2, held reservations 0\n' });
    await sql`update inventory set reserved = 0 where sku = 'DRIFT'`.execute(p.db);
  }, 90_000);
});
