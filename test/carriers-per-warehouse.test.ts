import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCarrierSimulator } from '../scripts/simulators/carrier-simulator.ts';
import type { RunningServer } from '../scripts/simulators/json-server.ts';
import { setStock } from '../sql/queries/inventory.ts';
import { createTestPipeline, eventually, insertPricedOrder, type TestPipeline } from './pipeline-harness.ts';

describe('carriers per warehouse', () => {
  let p: TestPipeline;
  let ems: RunningServer;

  beforeAll(async () => {
    p = await createTestPipeline();
    ems = await startCarrierSimulator(0, { latencyMs: 0, failRate: 0 });
    // EMS has an API of its own (ORDERSURGE_CARRIER_URLS); every other carrier is asked at the default one.
    p.config.carrierUrls = { ems: ems.url };
    await sql`update warehouses set carriers = '{ems,sf}' where code = 'chengdu'`.execute(p.db);
    await setStock(p.db, 'CAR-CD', 'chengdu', 10);
    await setStock(p.db, 'CAR-SZ', 'suzhou', 10);
  });
  afterAll(async () => {
    await p?.close();
    await ems?.close();
  });

  it("asks the warehouse's first carrier, at its own API, and voids an intercepted number there", async () => {
    await insertPricedOrder(p.db, { id: 'shop:car1', sku: 'CAR-CD', qty: 1 });
    await insertPricedOrder(p.db, { id: 'shop:car2', sku: 'CAR-SZ', qty: 1 });
    const workers = await p.startWorkers(['routing', 'pick', 'waybill']);
    for (const id of ['shop:car1', 'shop:car2']) await p.bus.js.publish(p.names.stageSubject('routing', 'shop'), JSON.stringify({ orderId: id }), { msgID: `routing:${id}` });
    const shipmentOf = (id: string) => p.db.selectFrom('shipments').select(['id', 'warehouse', 'carrier', 'waybill_no', 'interception']).where('order_id', '=', id).executeTakeFirst();
    await eventually(async () => ((await shipmentOf('shop:car1'))?.waybill_no && (await shipmentOf('shop:car2'))?.waybill_no ? true : undefined), 20_000, 'both waybilled');
    const chengdu = (await shipmentOf('shop:car1'))!;
    const suzhou = (await shipmentOf('shop:car2'))!;
    expect([chengdu.warehouse, chengdu.carrier, suzhou.warehouse, suzhou.carrier]).toEqual(['chengdu', 'ems', 'suzhou', 'sf']);
    expect(await (await fetch(`${ems.url}/waybills/${chengdu.waybill_no}`)).json()).toMatchObject({ request: { shipmentId: chengdu.id, carrier: 'ems' } });
    expect(((await (await fetch(`${ems.url}/stats`)).json()) as { issued: number }).issued).toBe(1);
    expect(await (await fetch(`${p.carrier.url}/waybills/${suzhou.waybill_no}`)).json()).toMatchObject({ request: { shipmentId: suzhou.id, carrier: 'sf' } });
    expect(((await (await fetch(`${p.carrier.url}/stats`)).json()) as { issued: number }).issued).toBe(1);

    // Cancelled after its waybill: the number is voided at the API that issued it.
    await p.db.updateTable('orders').set({ status: 'cancelled' }).where('id', '=', 'shop:car1').execute();
    await p.db.updateTable('shipments').set({ interception: 'requested' }).where('id', '=', chengdu.id).execute();
    await eventually(async () => ((await shipmentOf('shop:car1'))?.interception === 'voided' ? true : undefined), 10_000, 'the EMS number voided');
    await workers.stop();
    expect(await (await fetch(`${ems.url}/waybills/${chengdu.waybill_no}`)).json()).toMatchObject({ voided: true });
    expect(((await (await fetch(`${p.carrier.url}/stats`)).json()) as { voided: number }).voided).toBe(0);
  });
});

describe('carriers per warehouse, one of them down', () => {
  let p: TestPipeline;
  let ems: RunningServer;
  const emsFaults = { latencyMs: 0, failRate: 0 };
  const saved = { ...process.env };

  beforeAll(async () => {
    // Short breaker timings stand in for production's: open after 3 failed calls, probe every 300 ms.
    Object.assign(process.env, { ORDERSURGE_BREAKER_FAILURES: '3', ORDERSURGE_BREAKER_HALF_OPEN_MS: '300', ORDERSURGE_BREAKER_RETRY_MS: '20' });
    p = await createTestPipeline();
    ems = await startCarrierSimulator(0, emsFaults);
    p.config.carrierUrls = { ems: ems.url };
    await sql`update warehouses set carriers = '{ems}' where code = 'chengdu'`.execute(p.db);
    await setStock(p.db, 'DOWN-CD', 'chengdu', 100);
    await setStock(p.db, 'DOWN-SZ', 'suzhou', 100);
  });
  afterAll(async () => {
    await p?.close();
    await ems?.close();
    process.env = saved;
  });

  it("waybills the other carrier's orders while one carrier is down, and the down one's after it is back, none dead-lettered", async () => {
    const emsIds = Array.from({ length: 20 }, (_, i) => `shop:ems${i}`);
    const sfIds = Array.from({ length: 20 }, (_, i) => `shop:sf${i}`);
    for (const id of emsIds) await insertPricedOrder(p.db, { id, sku: 'DOWN-CD', qty: 1 });
    for (const id of sfIds) await insertPricedOrder(p.db, { id, sku: 'DOWN-SZ', qty: 1 });
    const lines: string[] = [];
    // A delivery limit of 3 with 100 ms retries: were a wait for EMS's breaker a delivery attempt, its orders would be dead-lettered within a second or two.
    const workers = await p.startWorkers(['routing', 'pick', 'waybill'], { maxDeliver: 3, retryBaseMs: 100 }, (line) => lines.push(line));
    emsFaults.failRate = 1;
    // EMS's orders first, so they are at the head of the waybill stream when its breaker opens.
    for (const id of [...emsIds, ...sfIds]) await p.bus.js.publish(p.names.stageSubject('routing', 'shop'), JSON.stringify({ orderId: id }), { msgID: `routing:${id}` });
    const waybilled = async (ids: readonly string[]): Promise<number> =>
      (await p.db.selectFrom('orders').select('id').where('id', 'in', ids).where('status', '=', 'waybilled').execute()).length;

    // EMS down: the default carrier's orders are waybilled all the same.
    await eventually(async () => ((await waybilled(sfIds)) === sfIds.length ? true : undefined), 20_000, "the default carrier's orders waybilled while EMS is down");
    expect(await waybilled(emsIds)).toBe(0);
    expect(lines.map((l) => l.split(';')[0])).toContain('circuit carrier_ems: open');
    expect(lines.map((l) => l.split(';')[0])).not.toContain('circuit carrier: open');
    // Several breaker periods more of the outage: EMS's orders keep waiting, spending no attempts.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await waybilled(emsIds)).toBe(0);

    emsFaults.failRate = 0;
    await eventually(async () => ((await waybilled(emsIds)) === emsIds.length ? true : undefined), 20_000, "EMS's orders waybilled after it is back");
    await workers.stop();

    expect((await p.bus.jsm.streams.info(p.names.deadLetterStream)).state.messages).toBe(0);
    const shipments = await p.db.selectFrom('shipments').select(['order_id', 'carrier', 'waybill_no']).where('order_id', 'in', [...emsIds, ...sfIds]).execute();
    expect(shipments).toHaveLength(emsIds.length + sfIds.length);
    // Each simulator numbers from SIM0000000001: a number is unique per carrier.
    expect(shipments.every((s) => s.waybill_no !== null)).toBe(true);
    expect(new Set(shipments.map((s) => `${s.carrier}:${s.waybill_no}`)).size).toBe(shipments.length);
    expect(shipments.filter((s) => s.carrier === 'ems').map((s) => s.order_id).sort()).toEqual([...emsIds].sort());
    // Each asked for once at each API: issued once per shipment, none twice.
    expect(((await (await fetch(`${ems.url}/stats`)).json()) as { issued: number }).issued).toBe(emsIds.length);
    expect(((await (await fetch(`${p.carrier.url}/stats`)).json()) as { issued: number }).issued).toBe(sfIds.length);
  }, 90_000);
});

describe('carriers per warehouse, in order of preference', () => {
  let p: TestPipeline;
  let ems: RunningServer;

  beforeAll(async () => {
    p = await createTestPipeline();
    ems = await startCarrierSimulator(0, { latencyMs: 0, failRate: 0 });
    p.config.carrierUrls = { ems: ems.url };
    await sql`update warehouses set carriers = '{ems,sf}' where code = 'chengdu'`.execute(p.db);
    await setStock(p.db, 'AREA-CD', 'chengdu', 10);
    // EMS does not deliver to Xizang; the default API (sf) not to Nowhere.
    const area = (url: string, notServed: string[]) => fetch(`${url}/admin/service-area`, { method: 'POST', body: JSON.stringify({ notServed }) });
    await area(ems.url, ['Xizang', 'Nowhere']);
    await area(p.carrier.url, ['Nowhere']);
  });
  afterAll(async () => {
    await p?.close();
    await ems?.close();
  });

  it('hands a parcel its first carrier refuses as outside its service area to the next, and makes one every carrier refuses an exception', async () => {
    const orders = { 'shop:area-sc': 'Sichuan', 'shop:area-xz': 'Xizang', 'shop:area-no': 'Nowhere' };
    for (const [id, province] of Object.entries(orders)) await insertPricedOrder(p.db, { id, sku: 'AREA-CD', qty: 1, address: { province, receiver: id } });
    const workers = await p.startWorkers(['routing', 'pick', 'waybill']);
    for (const id of Object.keys(orders)) await p.bus.js.publish(p.names.stageSubject('routing', 'shop'), JSON.stringify({ orderId: id }), { msgID: `routing:${id}` });
    const statusOf = async (id: string) => (await p.db.selectFrom('orders').select(['status', 'exception_type', 'exception_detail']).where('id', '=', id).executeTakeFirstOrThrow());
    await eventually(async () => ((await statusOf('shop:area-sc')).status === 'waybilled' && (await statusOf('shop:area-xz')).status === 'waybilled' && (await statusOf('shop:area-no')).status === 'exception' ? true : undefined), 20_000, 'two waybilled, one an exception');
    await workers.stop();

    const carrierOf = async (id: string) => (await p.db.selectFrom('shipments').select(['carrier', 'waybill_no']).where('order_id', '=', id).executeTakeFirstOrThrow());
    expect((await carrierOf('shop:area-sc')).carrier).toBe('ems');
    expect((await carrierOf('shop:area-xz')).carrier).toBe('sf');
    const refused = await statusOf('shop:area-no');
    expect(refused.exception_type).toBe('waybill_rejected');
    expect(refused.exception_detail).toContain('Nowhere is outside');
    // One waybill each: EMS issued Sichuan's, the default API Xizang's; nothing for Nowhere.
    expect(((await (await fetch(`${ems.url}/stats`)).json()) as { issued: number }).issued).toBe(1);
    expect(((await (await fetch(`${p.carrier.url}/stats`)).json()) as { issued: number }).issued).toBe(1);
    expect((await p.bus.jsm.streams.info(p.names.deadLetterStream)).state.messages).toBe(0);
  }, 60_000);
});
