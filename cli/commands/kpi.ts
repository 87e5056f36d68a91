import { Command } from 'commander';
import { readKpis } from '../../sql/queries/kpis.ts';
import { periodStart } from '../../workers/kpi/exception-alert.ts';
import type { Kpi, KpiReport } from '../../workers/kpi/kpi-report.ts';
import { loadConfig } from '../config.ts';
import { action, InputError } from '../run-action.ts';
import { connectRunning } from '../servers.ts';
import { TEXT_WIDTH, wrapLines } from '../text-cell.ts';
import { timeJson, timeText } from '../time-display.ts';

const DAY_MS = 86_400_000;
const CHINA_OFFSET = '+08:00';

interface KpiOptions {
  from?: string;
  to?: string;
  today?: boolean;
  week?: boolean;
  json?: boolean;
}

/**
 * `ordersurge kpi`: the seller's five KPIs over a period, with their healthy limits, and the
 * exception alert. Periods are China time: `--today` (the default) from midnight, `--week` the
 * last seven days from midnight six days ago, or `--from` / `--to` dates or times.
 */
export function kpiCommand(): Command {
  return new Command('kpi')
    .description('the five KPIs of a period (processing time, exception rate, inventory accuracy, complaint rate, reconciliation difference) against their healthy limits, and the exception alert')
    .option('--from <date>', 'start: YYYY-MM-DD (China-time midnight) or an ISO time')
    .option('--to <date>', 'end, exclusive: YYYY-MM-DD (China-time midnight) or an ISO time; default now')
    .option('--today', 'since China-time midnight (the default)')
    .option('--week', 'the last seven China-time days, today included')
    .option('--json', 'print the report as JSON (from and to ISO-8601 with offset)')
    .action(
      action(async (opts: KpiOptions) => {
        const period = periodOf(opts, new Date());
        const config = loadConfig();
        const conn = await connectRunning(config, { db: true });
        try {
          const report = await readKpis(conn.db!, period, config.exceptionAlert);
          console.log(opts.json ? JSON.stringify({ ...report, from: timeJson(report.from), to: timeJson(report.to) }) : formatReport(report, config.exceptionAlert.periods));
        } finally {
          await conn.close();
        }
      }),
    );
}

/** The period the options ask for; bad or contradictory options are an InputError (exit 2). */
export function periodOf(opts: KpiOptions, now: Date): { from: Date; to: Date } {
  const ranged = opts.from !== undefined || opts.to !== undefined;
  if ([ranged, opts.today === true, opts.week === true].filter(Boolean).length > 1) {
    throw new InputError('--today, --week and --from/--to: give one of them');
  }
  const midnight = periodStart(now, 86_400);
  if (opts.week) return { from: new Date(midnight.getTime() - 6 * DAY_MS), to: now };
  if (!ranged) return { from: midnight, to: now };
  if (opts.from === undefined) throw new InputError('--from: required with --to');
  const from = timeOption('--from', opts.from);
  const to = opts.to === undefined ? now : timeOption('--to', opts.to);
  if (to.getTime() <= from.getTime()) throw new InputError(`--to: must be after --from (${timeText(from)}), got ${timeText(to)}`);
  return { from, to };
}

function timeOption(name: string, value: string): Date {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00${CHINA_OFFSET}` : value;
  const at = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at.getTime())) {
    throw new InputError(`${name}: must be a date YYYY-MM-DD or an ISO time, got ${JSON.stringify(value)}`);
  }
  return at;
}

/**
 * The report as an operator reads it: the period in the display zone with its offset, one line
 * per KPI with its limit and health and its note wrapped below it, then the alert; every line
 * within 80 columns.
 */
export function formatReport(report: KpiReport, alertPeriods: number): string {
  const lines = [`KPIs ${timeText(report.from)} .. ${timeText(report.to)}`];
  for (const k of report.kpis) {
    const health = k.healthy === null ? '  -  ' : k.healthy ? ' ok  ' : ' BAD ';
    lines.push(`${health} ${k.name.padEnd(26)} ${formatValue(k).padStart(10)}  healthy ${k.limit}`);
    if (k.note) lines.push(...wrapLines(k.note, TEXT_WIDTH, '      '));
  }
  const a = report.alert;
  const top = a.topExceptions.map((t) => `${t.type} ${t.count}`).join(', ') || 'none';
  const alert = a.firing
    ? `ALERT exception rate over its limit for ${a.periods} consecutive periods; top exceptions of the latest: ${top}`
    : `exception alert not firing (${a.periods} of ${alertPeriods} periods over the limit); top exceptions of the latest period: ${top}`;
  lines.push(...wrapLines(alert));
  return lines.join('\n');
}

function formatValue(k: Kpi): string {
  if (k.value === null) return 'n/a';
  if (k.unit === 'seconds') return k.value >= 3600 ? `${(k.value / 3600).toFixed(2)} h` : k.value >= 60 ? `${(k.value / 60).toFixed(1)} min` : `${k.value.toFixed(1)} s`;
  return `${(k.value * 100).toFixed(2)}%`;
}
