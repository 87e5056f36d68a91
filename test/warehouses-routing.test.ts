import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import defaultRules from '../workers/routing/default-routing-rules.json' with { type: 'json' };
import { orderView } from '../cli/order-view.ts';
import { setStock } from '../sql/queries/inventory.ts';
import { loadOrderDetail } from '../sql/queries/orders.ts';
import { routingRulesHistory } from '../sql/queries/routing-rules.ts';
import { routeBatch } from '../workers/routing/routing-stage.ts';
import { createTestPipeline, insertPricedOrder, type TestPipeline } from './pipeline-harness.ts';

const BIN = fileURLToPath(new URL('../bin/ordersurge.mjs', import.meta.url));

describe('warehouses and routing rules as data', () => {
  let p: TestPipeline;
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NATS_URL: p.config.natsUrl, DATABASE_URL: p.databaseUrl, ORDERSURGE_NAMESPACE: p.names.namespace }, timeout: 30_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  beforeAll(async () => {
    p = await createTestPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('seeds the four demo warehouses and the default rule file as version 1', async () => {
    const shown = await run(['warehouses', 'show', '--json']);
    expect(shown.code).toBe(0);
    const warehouses = JSON.parse(shown.stdout) as { code: string; provinceCode: string; carriers: string[]; dailyCapacity: number }[];
    expect(warehouses.map((w) => [w.code, w.provinceCode])).toEqual([['beijing', '110000'], ['chengdu', '510000'], ['guangzhou', '440000'], ['suzhou', '320000']]);
    expect(warehouses.every((w) => w.carriers.length > 0 && w.dailyCapacity > 0)).toBe(true);
    const rules = await run(['routing', 'show']);
    expect(JSON.parse(rules.stdout)).toMatchObject({ version: 1, createdBy: 'migration', rules: defaultRules });
  }, 60_000);

  it('adds a warehouse, refuses an unknown province or warehouse with exit 2, and routes by a new rule version', async () => {
    expect(await run(['warehouses', 'set', 'xian', '--name', '西安仓', '--province', '陕西', '--carriers', 'sf,ems', '--capacity', '800'])).toMatchObject({ code: 0 });
    expect(await run(['warehouses', 'set', 'atl', '--name', 'x', '--province', 'Atlantis'])).toMatchObject({ code: 2, stderr: 'ordersurge: --province: unknown province "Atlantis"\n' });

    const dir = mkdtempSync(join(tmpdir(), 'routing-'));
    const northwestFirst = { ...defaultRules, regions: defaultRules.regions.map((r) => (r.code === 'northwest' ? { ...r, warehouses: ['xian', ...r.warehouses] } : r)) };
    writeFileSync(join(dir, 'good.json'), JSON.stringify(northwestFirst));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...defaultRules, default: ['lhasa'] }));
    const bad = await run(['routing', 'set', join(dir, 'bad.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('default: unknown warehouse "lhasa"');
    expect(await run(['routing', 'set', join(dir, 'good.json'), '--note', 'xian opens'])).toMatchObject({ code: 0, stdout: expect.stringContaining('routing rules version 2 stored') });
    expect((await routingRulesHistory(p.db)).map((h) => [h.version, h.note])).toEqual([[2, 'xian opens'], [1, 'default rule file']]);

    await setStock(p.db, 'NOODLE', 'xian', 5);
    await setStock(p.db, 'NOODLE', 'suzhou', 5);
    await insertPricedOrder(p.db, { id: 'shop:8801', sku: 'NOODLE', qty: 2, address: { province: '陕西省', provinceCode: '610000', city: '西安市', district: '雁塔区', street: '', detail: '1号', receiver: '李*', phone: '', postcode: '' } });
    await routeBatch(p.db, ['shop:8801'], 0);
    const shown = orderView((await loadOrderDetail(p.db, 'shop:8801'))!);
    expect(shown.warehouse).toBe('xian');
    expect(shown.routing).toMatchObject({ ruleVersion: 2, outcome: 'routed', reason: { region: 'northwest', decision: 'ships whole from xian', considered: [{ warehouse: 'xian', verdict: 'fills' }, { warehouse: 'chengdu', verdict: 'not_needed' }, {}, {}, {}] } });
    expect(shown.reservations).toEqual([{ lineId: '1', sku: 'NOODLE', warehouse: 'xian', shipment: 'shop:8801#1', qty: 2, status: 'held' }]);
    expect((await run(['order', 'show', 'shop:8801'])).stdout).toContain('routed by rules v2 (region northwest): ships whole from xian');
  }, 120_000);

  it('passes over a warehouse that has shipped its daily capacity today, saying so', async () => {
    // xian (first for 陕西 under rules v2) may ship one parcel a day: 8801 above took it.
    expect(await run(['warehouses', 'set', 'xian', '--capacity', '1'])).toMatchObject({ code: 0 });
    await setStock(p.db, 'NOODLE', 'chengdu', 5);
    await insertPricedOrder(p.db, { id: 'shop:8802', sku: 'NOODLE', qty: 1, address: { province: '陕西省', provinceCode: '610000', city: '西安市', district: '雁塔区', street: '', detail: '2号', receiver: '李*', phone: '', postcode: '' } });
    await routeBatch(p.db, ['shop:8802'], 0);
    const shown = orderView((await loadOrderDetail(p.db, 'shop:8802'))!);
    expect(shown.warehouse).toBe('chengdu');
    expect(shown.routing).toMatchObject({ reason: { decision: 'ships whole from chengdu', considered: [{ warehouse: 'xian', verdict: 'full', detail: 'has shipped its daily capacity today' }, { warehouse: 'chengdu', verdict: 'fills' }, {}, {}, {}] } });
  }, 60_000);
});
