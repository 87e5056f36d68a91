import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Kvm } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabaseIfMissing, dropDatabase } from '../scripts/servers/postgres-server.ts';
import { createDb, type Db } from '../sql/database.ts';
import { migrateToLatest } from '../sql/migrate.ts';
import { connectBus, type Bus } from '../streams/connect.ts';
import { namesFor } from '../streams/names.ts';
import { alertsBucket, alertSubject, startKpiTask } from '../workers/kpi/kpi-task.ts';
import type { ExceptionAlertEvent } from '../workers/kpi/alert-webhook.ts';
import { createMetrics } from '../workers/metrics.ts';

const id = `kpialert${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const names = namesFor(id);
let db: Db;
let bus: Bus;
let adminUrl: string;
let webhook: http.Server;
const posted: Array<{ key: string | undefined; event: ExceptionAlertEvent }> = [];

beforeAll(async () => {
  const admin = new URL(inject('databaseUrl'));
  admin.pathname = '/postgres';
  adminUrl = admin.toString();
  await createDatabaseIfMissing(adminUrl, `ordersurge_${id}`);
  const url = new URL(inject('databaseUrl'));
  url.pathname = `/ordersurge_${id}`;
  db = createDb(url.toString());
  await migrateToLatest(db);
  bus = await connectBus(inject('natsUrl'), `test-${id}`);
  webhook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      posted.push({ key: req.headers['idempotency-key'] as string | undefined, event: JSON.parse(body) as ExceptionAlertEvent });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  webhook?.close();
  await bus?.jsm.streams.delete(`KV_${alertsBucket(names)}`).catch(() => undefined);
  await bus?.close();
  await db?.destroy();
  if (adminUrl) await dropDatabase(adminUrl, `ordersurge_${id}`);
});

/** Orders received in the hour before the current one, `exceptions` of them backorders and one bad address. */
async function ordersInLastHour(total: number, backorders: number): Promise<void> {
  const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
  for (let i = 0; i < total; i++) {
    const at = new Date(hour + 60_000 + i * 1000);
    const orderId = `shop:${i}`;
    await db
      .insertInto('orders')
      .values({ id: orderId, channel: 'shop', external_id: String(i), status: 'exception', channel_status: 'paid', refund_status: 'none', version: 1, placed_at: at, paid_at: at, channel_updated_at: at, buyer: '', address: '{}', payment_method: 'online', goods_fen: 100, discount_fen: 0, shipping_fen: 0, paid_fen: 100, coupons: '[]', buyer_message: '', seller_memo: '', raw: '{}', created_at: at })
      .execute();
    const type = i < backorders ? 'backorder' : i === backorders ? 'bad_address' : undefined;
    if (type) await db.insertInto('order_events').values({ order_id: orderId, key: 'exception', type: 'exception', at, detail: JSON.stringify({ type, detail: 'fixture' }) }).execute();
  }
}

describe('the exception alert task', () => {
  it('raises the alert once per cluster: one event, one webhook POST naming the top exception types, one count', async () => {
    // 4 of 5 orders of the last complete hour became exceptions (rate 0.8, limit 0.5, one period);
    // the hour before had none: the alert starts with the last hour.
    await ordersInLastHour(5, 3);
    const events: ExceptionAlertEvent[] = [];
    const sub = bus.nc.subscribe(alertSubject(names), { callback: (_e, msg) => void events.push(msg.json<ExceptionAlertEvent>()) });
    const rule = { limit: 0.5, periods: 1, periodSeconds: 3600 };
    const lines: string[] = [];
    const metrics = [createMetrics(), createMetrics()];
    // Two processes' tasks, as two workers of one cluster run them.
    const tasks = metrics.map((m) =>
      startKpiTask({ db, bus, names, metrics: m, rule, webhookUrl: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`, intervalMs: 150, log: (l) => lines.push(l) }),
    );
    const deadline = Date.now() + 15_000;
    while (posted.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    // Several more rounds of both tasks: nothing is raised again for the same period.
    await new Promise((r) => setTimeout(r, 1000));
    await Promise.all(tasks.map((t) => t.stop()));
    sub.unsubscribe();

    expect(posted).toHaveLength(1);
    const { key, event } = posted[0]!;
    expect(key).toMatch(/^exception_rate\.fire\.\d+$/);
    expect(event).toMatchObject({ alert: 'exception_rate', status: 'firing', periods: 1, limit: 0.5, required: 1 });
    expect(event.topExceptions).toEqual([
      { type: 'backorder', count: 3 },
      { type: 'bad_address', count: 1 },
    ]);
    expect(event.rates.at(-1)).toMatchObject({ orders: 5, exceptions: 4, rate: 0.8 });
    expect(events).toEqual([event]);
    const kv = await new Kvm(bus.nc).open(alertsBucket(names));
    expect((await kv.get(key!))?.json<ExceptionAlertEvent>()).toEqual(event);
    const raised = await Promise.all(metrics.map(async (m) => (await m.exceptionAlert.raised.get()).values.reduce((n, v) => n + v.value, 0)));
    expect(raised.reduce((a, b) => a + b, 0)).toBe(1);
    // The lease holder's gauges say firing; the other process serves no KPI sample.
    const firing = await Promise.all(metrics.map(async (m) => (await m.exceptionAlert.firing.get()).values.map((v) => v.value)));
    expect(firing.flat()).toEqual([1]);
    expect(lines.filter((l) => l.startsWith('ALERT exception rate'))).toHaveLength(1);
    expect(lines.find((l) => l.startsWith('ALERT exception rate'))).toContain('backorder 3, bad_address 1');
  });
});
