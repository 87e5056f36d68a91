import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CATALOGUE, generateShopOrder } from '../scripts/simulators/shop-orders.ts';
import { setStock } from '../sql/queries/inventory.ts';
import { submitPayload } from '../streams/submit.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

const ORDERS = 200;
const BIN = fileURLToPath(new URL('../bin/ordersurge.mjs', import.meta.url));

describe('a worker killed mid-batch', () => {
  let p: TestPipeline;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    p = await createTestPipeline();
    for (const item of DEMO_CATALOGUE) await setStock(p.db, item.sku, 'suzhou', 100_000);
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await p?.close();
  });

  const notified = async () =>
    Number((await p.db.selectFrom('orders').select(sql<number>`count(*)`.as('n')).where('status', '=', 'notified').executeTakeFirstOrThrow()).n);

  it('leaves no duplicate order, reservation, waybill or SMS once another worker has finished the work', async () => {
    child = spawn(process.execPath, [BIN, 'worker', '--stage', 'all', '--no-apply', '--metrics-port', '0', '--concurrency', '64', '--batch-size', '16'], {
      env: {
        ...process.env,
        NATS_URL: p.config.natsUrl,
        DATABASE_URL: p.databaseUrl,
        ORDERSURGE_NAMESPACE: p.names.namespace,
        CARRIER_URL: p.config.carrierUrl,
        SMS_URL: p.config.smsUrl,
        WMS_URL: p.config.wmsUrl,
        INVOICE_URL: p.config.invoiceUrl,
      },
      stdio: 'ignore',
    });
    const encoder = new TextEncoder();
    const payloads = Array.from({ length: ORDERS }, (_, i) => generateShopOrder(10_000 + i));
    await Promise.all(payloads.map((o) => submitPayload(p.bus.js, p.names, 'shop', encoder.encode(JSON.stringify(o)))));

    // Kill it with work in every stage: some orders done, most still on their way.
    await eventually(async () => ((await notified()) >= 10 ? true : undefined), 60_000, 'the child worker to finish some orders');
    child.kill('SIGKILL');
    expect(await notified()).toBeLessThan(ORDERS);

    await p.startWorkers();
    const count = async (table: 'orders' | 'reservations' | 'shipments' | 'notifications' | 'loyalty_points') =>
      Number((await p.db.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
    await eventually(async () => ((await notified()) === ORDERS ? true : undefined), 90_000, `all ${ORDERS} orders notified`);
    // ... and through the side steps: points awarded, review reminder scheduled.
    await eventually(async () => ((await count('notifications')) === 2 * ORDERS && (await count('loyalty_points')) === ORDERS ? true : undefined), 30_000, 'points and reminders');
    const lineCount = payloads.reduce((n, o) => n + (o.line_items as unknown[]).length, 0);
    expect(await count('orders')).toBe(ORDERS);
    expect(await count('reservations')).toBe(lineCount);
    expect(await count('shipments')).toBe(ORDERS);
    expect(await count('notifications')).toBe(2 * ORDERS);
    expect(await count('loyalty_points')).toBe(ORDERS);

    // Stock reserved is exactly what the orders asked for: no reservation was taken twice.
    const wanted = new Map<string, number>();
    for (const o of payloads) for (const l of o.line_items as { sku: string; quantity: number }[]) wanted.set(l.sku, (wanted.get(l.sku) ?? 0) + l.quantity);
    const stock = await p.db.selectFrom('inventory').select(['sku', 'reserved']).where('reserved', '>', 0).execute();
    expect(Object.fromEntries(stock.map((s) => [s.sku, s.reserved]))).toEqual(Object.fromEntries(wanted));

    // The outside world saw one waybill and one SMS per order, however often it was asked.
    const carrier = (await (await fetch(`${p.carrier.url}/stats`)).json()) as { issued: number };
    const sms = (await (await fetch(`${p.sms.url}/stats`)).json()) as { byTemplate: Record<string, number> };
    expect(carrier.issued).toBe(ORDERS);
    expect(sms.byTemplate).toEqual({ being_packed: ORDERS, review_reminder: ORDERS });
    const waybills = await p.db.selectFrom('shipments').select(sql<number>`count(distinct waybill_no)`.as('n')).executeTakeFirstOrThrow();
    expect(Number(waybills.n)).toBe(ORDERS);
  });
});
