import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settlementEntries, writeSettlementFile } from '../scripts/settlements/settlement-writer.ts';
import { periodEntries } from '../scripts/settlements/write-settlement-file.ts';
import { setStock } from '../sql/queries/inventory.ts';
import { readKpis } from '../sql/queries/kpis.ts';
import { ordersWithSettlements, settledWithoutOrder } from '../sql/queries/settlements.ts';
import type { Db } from '../sql/database.ts';
import { applyTicketCommand, createTicket } from '../workers/aftersales/aftersales-tickets.ts';
import { SETTLEMENT_FORMATS } from '../workers/reconcile/formats/index.ts';
import { importSettlementFile } from '../workers/reconcile/import-settlement-file.ts';
import { buildReport, type ReconcileReport } from '../workers/reconcile/reconcile-report.ts';
import { reportPeriod } from '../workers/reconcile/report-period.ts';
import type { SettlementEntry } from '../workers/reconcile/settlement-format.ts';
import { createOwnDatabase, type OwnDatabase } from './own-database.ts';

const BIN = fileURLToPath(new URL('../bin/ordersurge.mjs', import.meta.url));
const DAY = reportPeriod('2026-11-11') as { ok: true; from: Date; to: Date };
let db: Db;
let dbUrl: string;
let own: OwnDatabase | undefined;
let dir: string;

beforeAll(async () => {
  own = await createOwnDatabase('reconcile');
  ({ db, url: dbUrl } = own);
  dir = await mkdtemp(path.join(os.tmpdir(), 'ordersurge-reconcile-'));
});

afterAll(async () => {
  await own?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A paid order of the day; `payables` are its lines' apportioned payables (one unit each unless given). */
async function order(id: string, paidFen: number, paidAt: string, lines: { sku: string; qty: number; payable: number }[] = [{ sku: 'TEA', qty: 1, payable: paidFen }]): Promise<void> {
  const at = new Date(paidAt);
  const [channel = '', externalId = ''] = id.split(':');
  await db
    .insertInto('orders')
    .values({ id, channel, external_id: externalId, status: 'notified', channel_status: 'paid', refund_status: 'none', version: 1, placed_at: at, paid_at: at, channel_updated_at: at, buyer: '', address: '{}', payment_method: 'online', goods_fen: paidFen, discount_fen: 0, shipping_fen: 0, paid_fen: paidFen, coupons: '[]', buyer_message: '', seller_memo: '', raw: '{}' })
    .execute();
  await db.insertInto('order_lines').values(lines.map((l, i) => ({ order_id: id, line_id: String(i + 1), sku: l.sku, platform_sku_id: '', title: l.sku, qty: l.qty, unit_price_fen: l.payable, payable_fen: l.payable, refund_status: 'none', gift: false }))).execute();
}

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: dbUrl }, timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('settlement reconciliation', () => {
  it('reconciles an Alipay statement (GBK) with each kind of difference to the expected report, and a second import changes nothing', async () => {
    await setStock(db, 'TEA', 'suzhou', 10);
    await order('tmall:2001', 29900, '2026-11-11T01:00:00Z');
    await order('tmall:2002', 15800, '2026-11-11T02:00:00Z');
    await order('tmall:2003', 8990, '2026-11-11T03:00:00Z');
    await order('tmall:2004', 12000, '2026-11-11T04:00:00Z');
    await order('tmall:2005', 29900, '2026-11-11T05:00:00Z', [{ sku: 'TEA', qty: 3, payable: 26149 }, { sku: 'CUP', qty: 1, payable: 2751 }]);
    await order('tmall:2006', 5000, '2026-11-12T05:00:00Z'); // the next day: out of the period
    // Two units of 2005's tea came back and were refunded: 174.33.
    const { id } = await createTicket(db, { orderId: 'tmall:2005', platformTicketId: 'RF-2005', type: 'return_refund', lines: [{ lineId: '1', qty: 2 }], reason: '', complaint: false, actor: 't' });
    for (const command of [{ kind: 'approve' }, { kind: 'ship_return', carrier: 'sf', waybill: 'SF1' }, { kind: 'receive', warehouse: 'suzhou', condition: 'sellable' }, { kind: 'refund' }] as const) await applyTicketCommand(db, id, command, 't');

    // What Alipay would settle, then the differences a real month has.
    const entries: SettlementEntry[] = (await periodEntries(db, 'tmall', DAY))
      .filter((e) => e.externalOrderId !== '2002') // never settled
      .filter((e) => !(e.externalOrderId === '2005' && e.kind === 'refund')) // refund not settled
      .map((e) => (e.externalOrderId === '2003' && e.kind === 'sale' ? { ...e, amountFen: e.amountFen - 100 } : e)) // amount differs
      .map((e) => (e.externalOrderId === '2004' && e.kind === 'fee' ? { ...e, amountFen: -700 } : e)); // fee differs (600 expected)
    const at = new Date('2026-11-11T06:00:00Z');
    entries.push(...settlementEntries({ externalId: '7777', channel: 'tmall', paidFen: 5000, refundedFen: 0, paidAt: at })); // no such order
    entries.push({ txnId: 'W1', externalOrderId: '', kind: 'other', amountFen: -50000, settledAt: at }); // a withdrawal: no order
    const file = path.join(dir, 'alipay-2026-11-11.csv');
    expect(await writeSettlementFile(file, SETTLEMENT_FORMATS[0]!, entries, DAY)).toBe(entries.length);
    const bytes = await readFile(file);
    expect(iconv.decode(bytes, 'gbk').split('\r\n').slice(0, 5)).toContain('账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注');
    expect(bytes.includes(Buffer.from('账务流水号', 'utf8'))).toBe(false);

    const progress: number[] = [];
    const first = await importSettlementFile(db, file, { shop: 'tmall', onProgress: (p) => progress.push(p.rows), progressEvery: 5 });
    expect(first).toMatchObject({ imported: true, format: 'alipay-statement', rowsRead: entries.length, rowsStored: entries.length });
    expect(progress.at(-1)).toBe(entries.length);

    const again = await cli('reconcile', 'import', '--shop', 'tmall', file);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^already imported .*alipay-2026-11-11\.csv at .* \(alipay-statement, \d+ rows\): nothing changed\n$/);
    expect(await db.selectFrom('settlement_lines').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).toEqual({ n: entries.length });

    const json = await cli('reconcile', 'report', '--period', '2026-11-11', '--shop', 'tmall', '--json');
    expect(json.stderr).toBe('');
    const report = JSON.parse(json.stdout) as ReconcileReport;
    const sales = 29900 + 15800 + 8990 + 12000 + 29900;
    // receivable - settled per order: 2002 its whole receivable (158.00 less the 7.90 fee), 2003 the
    // 1.00 short, 2004 the 1.00 extra fee, 2005 the 174.33 refund the platform never paid back
    // (receivable 299.00 - 174.33 - 6.23 fee on 124.67), 7777 all it settled (50.00 - 2.50).
    expect(report.differences.map((d) => [d.orderId, d.kinds, d.differenceFen])).toEqual([
      ['tmall:2002', ['order_never_settled'], 15010],
      ['tmall:2003', ['amount_differs'], 100],
      ['tmall:2004', ['fee_differs'], 100],
      ['tmall:2005', ['refund_not_settled'], -17433],
      ['tmall:7777', ['settled_without_order'], -4750],
    ]);
    expect(report).toMatchObject({
      orders: 5,
      matched: 1,
      salesFen: sales,
      differenceFen: 15010 + 100 + 100 + 17433 + 4750,
      healthy: false,
      byKind: {
        settled_without_order: { count: 1, fen: 4750 },
        order_never_settled: { count: 1, fen: 15010 },
        amount_differs: { count: 1, fen: 100 },
        fee_differs: { count: 1, fen: 100 },
        refund_not_settled: { count: 1, fen: 17433 },
      },
    });
    expect(report.differenceRate).toBeCloseTo((15010 + 100 + 100 + 17433 + 4750) / sales, 12);

    // The KPI reads the same report.
    const kpi = (await readKpis(db, DAY)).kpis.find((k) => k.name === 'reconciliation_difference');
    expect(kpi).toMatchObject({ value: report.differenceRate, healthy: false });

    const csv = await cli('reconcile', 'report', '--period', '2026-11-11', '--csv');
    expect(csv.stdout.split('\r\n').slice(0, 3)).toEqual(['order_id,shop,kinds,paid,refunded,expected_fee,receivable,settled,difference', 'tmall:2002,tmall,order_never_settled,158.00,0.00,7.90,150.10,0.00,150.10', 'tmall:2003,tmall,amount_differs,89.90,0.00,4.50,85.40,84.40,1.00']);
  }, 120_000);

  it('reads each platform\'s export in its own columns and encoding, and a clean settlement matches every order', async () => {
    for (const [i, format] of SETTLEMENT_FORMATS.entries()) {
      if (format.channel === 'tmall') continue;
      const ids = [0, 1, 2].map((k) => `${format.channel}:${3000 + i * 10 + k}`);
      for (const [k, orderId] of ids.entries()) await order(orderId, 10000 + k * 1234, `2026-11-20T0${k}:00:00Z`);
      const file = path.join(dir, `${format.name}.csv`);
      const period = reportPeriod('2026-11-20') as { ok: true; from: Date; to: Date };
      await writeSettlementFile(file, format, await periodEntries(db, format.channel, period), period);
      const result = await importSettlementFile(db, file, { shop: format.channel });
      expect(result).toMatchObject({ imported: true, format: format.name });
      const report = buildReport(period, format.channel, await ordersWithSettlements(db, period, format.channel), await settledWithoutOrder(db, period, format.channel));
      expect(report, format.name).toMatchObject({ orders: 3, matched: 3, differenceFen: 0, differenceRate: 0, healthy: true, differences: [] });
    }
  }, 120_000);

  it('refuses a bad row naming the line and the column, storing nothing of the file; and a file of another platform for the shop', async () => {
    const good = path.join(dir, 'jd-bad.csv');
    await writeSettlementFile(good, SETTLEMENT_FORMATS[1]!, [{ txnId: 'J1', externalOrderId: '1', kind: 'sale', amountFen: 100, settledAt: new Date() }, { txnId: 'J2', externalOrderId: '1', kind: 'fee', amountFen: -8, settledAt: new Date() }], DAY);
    const text = iconv.decode(await readFile(good), 'gbk').replace('-0.08', '-0.0x');
    await writeFile(good, iconv.encode(text, 'gbk'));
    const bad = await cli('reconcile', 'import', '--shop', 'jd', good, '--quiet');
    expect(bad).toMatchObject({ code: 2, stderr: 'ordersurge: jd-bad.csv line 3: 金额: must be a decimal yuan amount, got "0.0x"\n' });
    expect(await db.selectFrom('settlement_files').select('file_name').where('file_name', '=', 'jd-bad.csv').execute()).toEqual([]);
    const pdd = path.join(dir, 'pdd-other.csv');
    await writeSettlementFile(pdd, SETTLEMENT_FORMATS[3]!, [{ txnId: 'P1', externalOrderId: '1', kind: 'sale', amountFen: 100, settledAt: new Date() }], DAY);
    const wrongShop = await cli('reconcile', 'import', '--shop', 'tmall', pdd);
    expect(wrongShop).toMatchObject({ code: 2, stderr: "ordersurge: --shop: pdd-other.csv is a Pinduoduo payment details (货款明细), which settles pdd orders, not tmall's\n" });
    // A file imported for one shop is not imported again for another.
    const otherShop = await cli('reconcile', 'import', '--shop', 'douyin-2', path.join(dir, 'douyin-fund-flow.csv'));
    expect(otherShop).toMatchObject({ code: 2, stderr: expect.stringMatching(/^ordersurge: --shop: douyin-fund-flow\.csv was imported for shop douyin at .*: not imported again for douyin-2\n$/) });
  }, 120_000);
});
