import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CATALOGUE, generateShopOrder } from '../scripts/simulators/shop-orders.ts';
import { setStock } from '../sql/queries/inventory.ts';
import { setInvoicePoint } from '../sql/queries/invoices.ts';
import { openPeakStore, type PeakSetting, type PeakStore } from '../streams/peak-mode.ts';
import { STAGES } from '../streams/pipeline.ts';
import { submitPayload } from '../streams/submit.ts';
import { circuitRegistry } from '../workers/circuit/service-breaker.ts';
import type { RunningWorkers } from '../workers/worker-process.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

interface SimInvoice {
  invoiceNo: string;
  orderId: string;
  kind: 'blue' | 'red';
  title: string;
  taxNo: string;
  amountFen: number;
  reverses?: string;
}

const encoder = new TextEncoder();
const BIN = fileURLToPath(new URL('../bin/ordersurge.mjs', import.meta.url));

describe('electronic invoices (电子发票), on real NATS and Postgres', () => {
  let p: TestPipeline;
  let store: PeakStore;
  let seq = 70_000;
  /** The order the refund test invoiced and reversed. */
  let reversedId = '';
  const submit = async (over: Record<string, unknown> = {}, shop?: string): Promise<{ id: string; payload: Record<string, unknown> }> => {
    const payload = { ...generateShopOrder(seq++), ...over };
    await submitPayload(p.bus.js, p.names, 'shop', encoder.encode(JSON.stringify(payload)), shop);
    return { id: `shop:${String(payload.id)}`, payload };
  };
  const statusOf = async (id: string) => (await p.db.selectFrom('orders').select('status').where('id', '=', id).executeTakeFirst())?.status;
  const rows = (id: string) => p.db.selectFrom('invoices').selectAll().where('order_id', '=', id).orderBy('kind').execute();
  const issued = async (id: string): Promise<SimInvoice[]> => ((await (await fetch(`${p.invoice.url}/invoices?orderId=${encodeURIComponent(id)}`)).json()) as { invoices: SimInvoice[] }).invoices;
  const stats = async () => (await (await fetch(`${p.invoice.url}/stats`)).json()) as { blue: number; red: number; requests: number; duplicates: number; calls: number };
  let child: ChildProcess | undefined;
  const force = async (setting: PeakSetting): Promise<void> => {
    for (;;) {
      const { state, revision } = await store.read();
      const active = setting === 'auto' ? state.active : setting === 'on';
      if (await store.replace({ ...state, setting, active, reason: `test: ${setting}`, changedBy: 'test' }, revision)) return;
    }
  };
  const publishStage = (stage: 'invoice' | 'notify', id: string, msgID: string) => p.bus.js.publish(p.names.stageSubject(stage, 'shop'), encoder.encode(JSON.stringify({ orderId: id })), { msgID });

  const saved = { ...process.env };

  beforeAll(async () => {
    // Short breaker timings stand in for production's: open after 3 failed calls, probe every 300 ms.
    Object.assign(process.env, { ORDERSURGE_BREAKER_FAILURES: '3', ORDERSURGE_BREAKER_HALF_OPEN_MS: '300', ORDERSURGE_BREAKER_RETRY_MS: '20' });
    p = await createTestPipeline();
    for (const item of DEMO_CATALOGUE) await setStock(p.db, item.sku, 'suzhou', 100_000);
    store = await openPeakStore(p.bus, p.names);
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await p?.close();
    process.env = saved;
  });

  it('requests one blue invoice per order, to the buyer title and tax number, however often its message is delivered', async () => {
    const workers = await p.startWorkers();
    const other = await p.startWorkers(['invoice']);
    const title = '苏州某某茶业有限公司';
    const taxNo = '91320500MA1X000000';
    const withTitle = await submit({ note_attributes: [{ name: 'invoice_title', value: title }, { name: 'tax_number', value: taxNo }] });
    const individual = await submit();
    // The service answers slowly, so the copies below meet while the first call is still out.
    p.invoiceFaults.latencyMs = 400;
    await eventually(async () => ((await statusOf(withTitle.id)) === 'notified' && (await statusOf(individual.id)) === 'notified' ? true : undefined), 30_000, 'both notified');
    // Redelivery: the invoice step's message again, five times under new message ids, to two
    // worker processes at once (a crash's redelivery, a redrive, a replay).
    await Promise.all(Array.from({ length: 5 }, (_, i) => publishStage('invoice', withTitle.id, `test-copy-${i}:${withTitle.id}`)));
    await eventually(async () => ((await rows(withTitle.id)).length === 1 && (await rows(individual.id)).length === 1 ? true : undefined), 20_000, 'invoices recorded');
    await new Promise((r) => setTimeout(r, 2000));
    p.invoiceFaults.latencyMs = 0;

    const [row] = await rows(withTitle.id);
    expect(row).toMatchObject({ kind: 'blue', shop: 'shop', title, tax_no: taxNo, amount_fen: Number((await p.db.selectFrom('orders').select('paid_fen').where('id', '=', withTitle.id).executeTakeFirstOrThrow()).paid_fen) });
    expect(await issued(withTitle.id)).toEqual([{ invoiceNo: row!.invoice_no, orderId: withTitle.id, kind: 'blue', title, taxNo, amountFen: row!.amount_fen }]);
    expect(await issued(individual.id)).toMatchObject([{ kind: 'blue', title: '个人', taxNo: '' }]);
    expect((await stats()).blue).toBe(2);
    // The chain goes on past the side step: points and the review reminder.
    await eventually(async () => ((await p.db.selectFrom('loyalty_points').select('order_id').where('order_id', 'in', [withTitle.id, individual.id]).execute()).length === 2 ? true : undefined), 10_000, 'points');
    await other.stop();
    await workers.stop();
  }, 90_000);

  it('issues one invoice when the worker is killed after the service issued it and before the answer was recorded', async () => {
    const before = await stats();
    // The invoice service takes 1.5 s to answer; everything but the invoice step runs here.
    p.invoiceFaults.latencyMs = 1500;
    const workers = await p.startWorkers(STAGES.filter((s) => s !== 'invoice'));
    child = spawn(process.execPath, [BIN, 'worker', '--stage', 'invoice', '--no-apply', '--metrics-port', '0'], {
      env: { ...process.env, NATS_URL: p.config.natsUrl, DATABASE_URL: p.databaseUrl, ORDERSURGE_NAMESPACE: p.names.namespace, INVOICE_URL: p.config.invoiceUrl, SMS_URL: p.config.smsUrl, CARRIER_URL: p.config.carrierUrl, WMS_URL: p.config.wmsUrl },
      stdio: 'ignore',
    });
    const order = await submit();
    // Killed while its call is out: the service goes on and issues the invoice, the answer is lost.
    await eventually(async () => ((await stats()).calls > before.calls ? true : undefined), 60_000, 'the child to call the invoice service');
    child.kill('SIGKILL');
    await eventually(async () => ((await stats()).requests > before.requests ? true : undefined), 10_000, 'the service to issue');
    expect(await issued(order.id)).toHaveLength(1);
    expect(await rows(order.id)).toEqual([]);
    p.invoiceFaults.latencyMs = 0;
    // A new invoice worker gets the message again once its ack wait (3 s) is over, and asks again under the same key.
    const again = await p.startWorkers(['invoice']);
    await eventually(async () => ((await rows(order.id)).length === 1 ? true : undefined), 30_000, 'the invoice recorded after the restart');
    const [row] = await rows(order.id);
    const sim = await issued(order.id);
    expect(sim).toHaveLength(1);
    expect(sim[0]!.invoiceNo).toBe(row!.invoice_no);
    expect((await stats()).duplicates).toBeGreaterThan(before.duplicates);
    await again.stop();
    await workers.stop();
  }, 120_000);

  it('reverses an invoiced order refunded in full with one red-letter invoice (冲红), however many sweeps look at it', async () => {
    const workers = await p.startWorkers();
    const other = await p.startWorkers(['invoice']);
    const order = await submit();
    await eventually(async () => ((await rows(order.id)).length === 1 ? true : undefined), 30_000, 'blue invoice');
    const [blue] = await rows(order.id);
    // The platform says the order was refunded in full (a later version of it), after its waybill.
    const later = new Date(Date.now() + 60_000).toISOString().replace('Z', '+00:00');
    await submitPayload(p.bus.js, p.names, 'shop', encoder.encode(JSON.stringify({ ...order.payload, financial_status: 'refunded', updated_at: later })));
    await eventually(async () => ((await rows(order.id)).length === 2 ? true : undefined), 30_000, 'red invoice');
    // Two processes' sweeps go on looking (every 200 ms) for a while: nothing more is asked.
    await new Promise((r) => setTimeout(r, 2000));
    const [, red] = await rows(order.id);
    reversedId = order.id;
    expect(red).toMatchObject({ kind: 'red', amount_fen: -blue!.amount_fen, title: blue!.title });
    const sim = await issued(order.id);
    expect(sim.map((i) => i.kind)).toEqual(['blue', 'red']);
    expect(sim[1]).toMatchObject({ invoiceNo: red!.invoice_no, reverses: blue!.invoice_no, amountFen: -blue!.amount_fen });
    await other.stop();
    await workers.stop();
  }, 90_000);

  it('invoices a shop set to "shipped" once the WMS confirms the parcel left, and a shop set to "off" never', async () => {
    await setInvoicePoint(p.db, 'inv-shipped', 'shipped', 'test');
    await setInvoicePoint(p.db, 'inv-off', 'off', 'test');
    const workers = await p.startWorkers();
    const shipped = await submit({}, 'inv-shipped');
    const off = await submit({}, 'inv-off');
    await eventually(async () => ((await statusOf(shipped.id)) === 'notified' && (await statusOf(off.id)) === 'notified' ? true : undefined), 30_000, 'both notified');
    await eventually(async () => ((await p.db.selectFrom('invoice_awaiting_shipment').select('order_id').where('order_id', '=', shipped.id).executeTakeFirst()) ? true : undefined), 10_000, 'waiting for the parcel');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await rows(shipped.id)).toEqual([]);
    // The warehouse hands the parcel over; the pick worker reads the confirm-shipped feed.
    const shipments = await p.db.selectFrom('shipments').select('id').where('order_id', 'in', [shipped.id, off.id]).execute();
    for (const s of shipments) await fetch(`${p.wms.url}/admin/ship`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ shipmentId: s.id }) });
    await eventually(async () => ((await rows(shipped.id)).length === 1 ? true : undefined), 20_000, 'invoiced after shipment');
    expect(await p.db.selectFrom('invoice_awaiting_shipment').select('order_id').where('order_id', '=', shipped.id).execute()).toEqual([]);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await rows(off.id)).toEqual([]);
    expect(await issued(off.id)).toEqual([]);
    await workers.stop();
  }, 90_000);

  it('waits in the deferred stream during peak mode, and is requested once each after it', async () => {
    const workers = await p.startWorkers(undefined, {}, () => undefined, { sampleMs: 100, replayPerSecond: 500 });
    await force('on');
    await eventually(async () => (workers.peak.active() ? true : undefined), 5000, 'workers to see peak mode');
    const ids = (await Promise.all(Array.from({ length: 6 }, () => submit()))).map((o) => o.id);
    await eventually(async () => ((await p.db.selectFrom('orders').select('id').where('id', 'in', ids).where('status', '=', 'waybilled').execute()).length === 6 ? true : undefined), 30_000, 'waybilled');
    // What was queued for notify before the peak still runs; its hand-on to the invoice step is deferred.
    for (const id of ids) await publishStage('notify', id, `test-before-peak:${id}`);
    await eventually(async () => ((await deferredCount(workers, 'invoice')) === 6 ? true : undefined), 20_000, 'invoice deferred');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await p.db.selectFrom('invoices').select('order_id').where('order_id', 'in', ids).execute()).toEqual([]);

    await force('off');
    await eventually(async () => ((await p.db.selectFrom('invoices').select('order_id').where('order_id', 'in', ids).execute()).length === 6 ? true : undefined), 30_000, 'invoiced after the peak');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await replayedCount(workers, 'invoice')).toBeGreaterThanOrEqual(6);
    for (const id of ids) expect((await issued(id)).map((i) => i.kind)).toEqual(['blue']);
    await workers.stop();
  }, 120_000);

  it('holds the invoice step while the invoice service is down, then invoices every order once, none dead-lettered', async () => {
    // The breaker is this process's, made by the first test that called the service (with its log): read its gauge.
    const breakerState = async () => (await circuitRegistry.getSingleMetric('ordersurge_circuit_state')!.get()).values.find((v) => v.labels.service === 'invoice')?.value;
    // A delivery limit of 3 with 100 ms retries: without the breaker the outage would dead-letter the orders within seconds.
    const workers = await p.startWorkers(undefined, { maxDeliver: 3, retryBaseMs: 100 });
    const deadBefore = (await p.bus.jsm.streams.info(p.names.deadLetterStream)).state.messages;
    p.invoiceFaults.failRate = 1;
    const ids = (await Promise.all(Array.from({ length: 10 }, () => submit()))).map((o) => o.id);
    await eventually(async () => ((await breakerState()) === 2 ? true : undefined), 30_000, 'the invoice breaker open');
    await new Promise((r) => setTimeout(r, 3000));
    expect(await p.db.selectFrom('invoices').select('order_id').where('order_id', 'in', ids).execute()).toEqual([]);
    p.invoiceFaults.failRate = 0;
    await eventually(async () => ((await p.db.selectFrom('invoices').select('order_id').where('order_id', 'in', ids).execute()).length === ids.length ? true : undefined), 30_000, 'every order invoiced');
    await workers.stop();
    expect((await p.bus.jsm.streams.info(p.names.deadLetterStream)).state.messages).toBe(deadBefore);
    expect(await breakerState()).toBe(0);
    for (const id of ids) expect((await issued(id)).map((i) => i.kind)).toEqual(['blue']);
  }, 120_000);

  it('from the command line: shops invoicing sets and lists a point, order show lists the invoices', async () => {
    expect(reversedId).not.toBe('');
    const cli = (...args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: p.databaseUrl, NATS_URL: p.config.natsUrl, ORDERSURGE_NAMESPACE: p.names.namespace }, timeout: 60_000 });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    expect(await cli('shops', 'invoicing', 'tmall-main', 'shipped', '--by', 'lin')).toMatchObject({ code: 0, stdout: 'tmall-main: invoiced once shipped\n' });
    expect(await cli('shops', 'invoicing', 'tmall-main', 'weekly')).toMatchObject({ code: 2, stderr: 'ordersurge: point: one of paid, shipped, off, got "weekly"\n' });
    expect((await cli('shops', 'invoicing')).stdout).toMatch(/^tmall-main +shipped +by lin, /m);
    const shown = JSON.parse((await cli('order', 'show', reversedId, '--json')).stdout) as { invoices: { kind: string; invoiceNo: string; amount: number }[] };
    const [blue, red] = await rows(reversedId);
    expect(shown.invoices).toMatchObject([
      { kind: 'blue', invoiceNo: blue!.invoice_no, amount: Number(blue!.amount_fen) },
      { kind: 'red', invoiceNo: red!.invoice_no, amount: -Number(blue!.amount_fen) },
    ]);
    expect((await cli('order', 'show', reversedId)).stdout).toContain(`invoices (yuan):\n  blue ${blue!.invoice_no}`);
  }, 120_000);
});

async function deferredCount(workers: RunningWorkers, stage: string): Promise<number> {
  return (await workers.metrics.deferred.get()).values.filter((v) => v.labels.stage === stage).reduce((n, v) => n + v.value, 0);
}

async function replayedCount(workers: RunningWorkers, stage: string): Promise<number> {
  return (await workers.metrics.replayed.get()).values.filter((v) => v.labels.stage === stage).reduce((n, v) => n + v.value, 0);
}
