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
