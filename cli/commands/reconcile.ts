import { Command, Option } from 'commander';
import { ordersWithSettlements, settledWithoutOrder } from '../../sql/queries/settlements.ts';
import { formatYuan } from '../../streams/money.ts';
import { importSettlementFile, SettlementFileError } from '../../workers/reconcile/import-settlement-file.ts';
import { DIFFERENCE_KINDS } from '../../workers/reconcile/reconcile-order.ts';
import { buildReport, type ReconcileReport } from '../../workers/reconcile/reconcile-report.ts';
import { reportPeriod } from '../../workers/reconcile/report-period.ts';
import { csvCell } from '../../workers/reconcile/settlement-format.ts';
import { loadConfig } from '../config.ts';
import { action, InputError } from '../run-action.ts';
import { connectRunning } from '../servers.ts';
import { timeText } from '../time-display.ts';

export function reconcileCommand(): Command {
  const reconcile = new Command('reconcile').description("settlement reconciliation: import a platform's settlement export, then report per order what was settled against what was receivable, and the difference rate");
  reconcile
    .command('import')
    .description("import a platform's settlement export (Alipay statement for Tmall, JD settlement sheet, Douyin fund flow, Pinduoduo payment details), recognised by its header; a file imported before changes nothing")
    .argument('<file>', 'the CSV as the platform exported it')
    .requiredOption('--shop <code>', "the shop whose account the file is (a channel name for a channel's default shop)")
    .addOption(new Option('--encoding <encoding>', 'the file\'s encoding; auto: UTF-8 when it has a byte-order mark or is valid UTF-8, else GBK').choices(['auto', 'utf8', 'gbk']).default('auto'))
    .option('--quiet', 'no progress lines')
    .action(
      action(async (file: string, opts: { shop: string; encoding: 'auto' | 'utf8' | 'gbk'; quiet?: boolean }) => {
        const conn = await connectRunning(loadConfig(), { db: true });
        const started = Date.now();
        try {
          const result = await importSettlementFile(conn.db!, file, {
            shop: opts.shop,
            encoding: opts.encoding,
            ...(opts.quiet ? {} : { onProgress: (p) => console.error(`  ${p.rows.toLocaleString('en-US')} rows, ${Math.round((100 * p.bytes) / Math.max(p.totalBytes, 1))}% of ${(p.totalBytes / 1024 ** 2).toFixed(1)} MB, ${((Date.now() - started) / 1000).toFixed(1)} s`) }),
          });
          if (result.imported) console.log(`imported ${file}: ${result.format}, ${result.rowsRead} rows, ${result.rowsStored} new entries (sha256 ${result.sha256.slice(0, 12)})`);
          else console.log(`already imported ${file} at ${timeText(result.importedAt)} (${result.format}, ${result.rowsRead} rows): nothing changed`);
        } catch (error) {
          if (error instanceof SettlementFileError) throw new InputError(error.message);
          if (error instanceof Error && 'code' in error && error.code === 'ENOENT') throw new InputError(`FILE: no such file ${JSON.stringify(file)}`);
          throw error;
        } finally {
          await conn.close();
        }
      }),
    );
  reconcile
    .command('report')
    .description('match every paid order of a period against the imported settlements: receivable (paid - refunds - fees) against settled, differences by kind, and the difference rate (healthy <= 0.3%)')
    .requiredOption('--period <period>', 'China-time days: 2026-11-11, a month 2026-11, or 2026-11-01..2026-11-15')
    .option('--shop <code>', 'only this shop (every shop by default)')
    .option('--json', 'print JSON: the totals, byKind and every difference, amounts in fen')
    .option('--csv', 'print the differences as CSV (amounts in yuan), one row per order')
    .action(
      action(async (opts: { period: string; shop?: string; json?: boolean; csv?: boolean }) => {
        const period = reportPeriod(opts.period);
        if (!period.ok) throw new InputError(`--period: ${period.problem}`);
        if (opts.json && opts.csv) throw new InputError('--json and --csv: give one of them');
        const conn = await connectRunning(loadConfig(), { db: true });
        try {
          const [rows, orphans] = await Promise.all([ordersWithSettlements(conn.db!, period, opts.shop), settledWithoutOrder(conn.db!, period, opts.shop)]);
          const report = buildReport(period, opts.shop, rows, orphans);
          if (opts.json) console.log(JSON.stringify(report, null, 2));
          else if (opts.csv) process.stdout.write(reportCsv(report));
          else console.log(reportText(report, opts.period));
        } finally {
          await conn.close();
        }
      }),
    );
  return reconcile;
}

/** The differences as CSV: order, shop, kinds (separated by |), and the amounts in yuan. */
export function reportCsv(report: ReconcileReport): string {
  const header = ['order_id', 'shop', 'kinds', 'paid', 'refunded', 'expected_fee', 'receivable', 'settled', 'difference'];
  const rows = report.differences.map((d) => [d.orderId, d.shop, d.kinds.join('|'), formatYuan(d.paidFen), formatYuan(d.refundedFen), formatYuan(d.expectedFeeFen), formatYuan(d.receivableFen), formatYuan(d.settledFen), formatYuan(d.differenceFen)]);
  return [header, ...rows].map((r) => `${r.map(csvCell).join(',')}\r\n`).join('');
}

function reportText(r: ReconcileReport, period: string): string {
  const rate = r.differenceRate === null ? 'n/a (no sales)' : `${(r.differenceRate * 100).toFixed(3)}% ${r.healthy ? 'healthy' : 'OVER the 0.3% limit'}`;
  const out = [
    `reconciliation ${period}${r.shop ? ` shop ${r.shop}` : ''}: ${r.orders} orders, ${r.matched} matched`,
    `  sales ${formatYuan(r.salesFen)}  receivable ${formatYuan(r.receivableFen)}  settled ${formatYuan(r.settledFen)}`,
    `  difference ${formatYuan(r.differenceFen)}  rate ${rate}`,
  ];
  for (const kind of DIFFERENCE_KINDS) out.push(`  ${kind.padEnd(22)} ${String(r.byKind[kind].count).padStart(6)}  ${formatYuan(r.byKind[kind].fen).padStart(12)}`);
  if (r.differences.length > 0) out.push('differences (receivable - settled):');
  for (const d of r.differences.slice(0, 50)) out.push(`  ${d.orderId.padEnd(28)} ${formatYuan(d.differenceFen).padStart(10)}  ${d.kinds.join(', ')}`);
  if (r.differences.length > 50) out.push(`  ... and ${r.differences.length - 50} more (--csv or --json for all)`);
  return out.join('\n');
}
