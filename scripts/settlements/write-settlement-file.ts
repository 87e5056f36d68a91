/**
 * Writes a platform's settlement export, for the demo, the tests and the import benchmark:
 *
 *   node --import tsx scripts/settlements/write-settlement-file.ts --shop tmall --day 2026-11-11 --out alipay.csv
 *     the shop's orders paid that China-time day, as the platform would settle them (sale, fee,
 *     refunds from after-sales tickets), from the configured database
 *   node --import tsx scripts/settlements/write-settlement-file.ts --channel jd --synthetic 1000000 --out jd.csv
 *     that many entries of made-up orders, no database needed
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../cli/config.ts';
import { databaseUrlOf } from '../../cli/servers.ts';
import { createDb, type Db } from '../../sql/database.ts';
import { ordersWithSettlements } from '../../sql/queries/settlements.ts';
import { formatOfChannel } from '../../workers/reconcile/formats/index.ts';
import { reportPeriod } from '../../workers/reconcile/report-period.ts';
import type { SettlementEntry } from '../../workers/reconcile/settlement-format.ts';
import { settlementEntries, writeSettlementFile } from './settlement-writer.ts';

/** The entries a platform settles for the shop's orders paid in the period. */
export async function periodEntries(db: Db, shop: string, period: { from: Date; to: Date }): Promise<SettlementEntry[]> {
  const rows = await ordersWithSettlements(db, period, shop);
  return rows.flatMap((r) =>
    settlementEntries({ externalId: r.orderId.slice(r.orderId.indexOf(':') + 1), channel: r.channel, paidFen: r.paidFen, refundedFen: r.refundedFen, paidAt: r.paidAt }),
  );
}

/** `count` entries of made-up orders (a sale and a fee each, a refund every tenth), generated as they are written. */
export function* syntheticEntries(channel: string, count: number, from: Date): Generator<SettlementEntry> {
  let n = 0;
  for (let i = 0; n < count; i++) {
    const paidFen = 1000 + ((i * 7919) % 50000);
    const entries = settlementEntries({ externalId: String(9_000_000_000 + i), channel, paidFen, refundedFen: i % 10 === 0 ? Math.floor(paidFen / 2) : 0, paidAt: new Date(from.getTime() + (i % 86_400) * 1000) });
    for (const e of entries) {
      if (n++ >= count) return;
      yield e;
    }
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { shop: { type: 'string' }, channel: { type: 'string' }, day: { type: 'string', default: '2026-11-11' }, synthetic: { type: 'string' }, out: { type: 'string' } } });
  const period = reportPeriod(values.day);
  if (!period.ok) throw new Error(`--day: ${period.problem}`);
  if (!values.out) throw new Error('--out: the file to write is required');
  const channel = values.channel ?? values.shop;
  const format = channel === undefined ? undefined : formatOfChannel(channel);
  if (!format) throw new Error(`--channel: one of tmall, jd, douyin, pdd (or --shop named after one), got ${JSON.stringify(channel)}`);
  const started = Date.now();
  let written: number;
  if (values.synthetic !== undefined) {
    written = await writeSettlementFile(values.out, format, syntheticEntries(format.channel, Number(values.synthetic), period.from), period);
  } else {
    if (!values.shop) throw new Error('--shop: the shop whose orders to settle is required (or --synthetic N)');
    const db = createDb(databaseUrlOf(loadConfig()), 2);
    try {
      written = await writeSettlementFile(values.out, format, await periodEntries(db, values.shop, period), period);
    } finally {
      await db.destroy();
    }
  }
  console.log(`wrote ${written} entries (${format.title}, ${format.encoding}) to ${values.out} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
