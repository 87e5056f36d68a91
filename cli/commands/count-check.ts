import { Command } from 'commander';
import type { Channel } from '../../streams/canonical-order.ts';
import { parseChinaDay, type ChinaDay } from '../../workers/ingest/connectors/china-clock.ts';
import { checkDailyCounts, checkShopDailyCounts, type ChannelDayCount } from '../../workers/ingest/connectors/count-check.ts';
import { processPiiKeyring } from '../../streams/pii/keyring.ts';
import { loadShopAccounts } from '../../workers/ingest/connectors/shop-accounts.ts';
import { shopAuthOf } from '../../workers/ingest/connectors/start-connectors.ts';
import { platformApiFor } from '../../workers/ingest/connectors/platforms/platform-api-for.ts';
import type { PlatformEndpoint } from '../../workers/ingest/connectors/start-connectors.ts';
import { loadConfig } from '../config.ts';
import { action, InputError } from '../run-action.ts';
import { connectRunning } from '../servers.ts';
import { collectPlatformUrl, parseChannels } from './connect.ts';

interface CountCheckOptions {
  date: ChinaDay;
  shops?: string[];
  channels?: Channel[];
  platformUrl: PlatformEndpoint[];
  json?: boolean;
}

/** Missing ids listed per channel before "... and N more". */
const LIST_MAX = 50;

/**
 * `ordersurge count-check`: per channel, the orders its platform has for a China-time day against
 * the orders ingested for that day. Exit code 0 when every channel matches, 1 when one has a gap
 * (or a platform could not be asked), 2 for bad input.
 */
export function countCheckCommand(): Command {
  return new Command('count-check')
    .description("compare each platform's order count for a China-time day with the orders ingested that day, and list the missing order ids")
    .requiredOption('--date <YYYY-MM-DD>', 'the day, China time (UTC+8)', parseDateOption)
    .option('--platform-url <channel[:shop]=url>', 'order API of one platform account (repeat for each; accounts of a channel are added up)', collectPlatformUrl, [])
    .option('--shops <codes>', 'check these registered shop accounts one by one (comma-separated, or all), each against the orders carrying it', (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .option('--channels <list>', 'only these channels, comma-separated (default: every channel given a --platform-url)', parseChannels)
    .option('--json', 'print JSON: [{ channel, platform, ingested, missing, extra, ok }]')
    .addHelpText(
      'after',
      `
The platform side counts orders created that day, the ingested side orders whose placed_at falls
on it. "missing" are ids the platform lists and Postgres lacks (never published, or dead-lettered:
see \`ordersurge dlq list\`); "extra" are ids Postgres has and the platform does not list.

Example:
  ordersurge count-check --date 2026-11-11 --platform-url tmall=https://gw.example --platform-url jd=https://jd.example`,
    )
    .action(action(runCountCheck));
}

async function runCountCheck(opts: CountCheckOptions): Promise<void> {
  if (opts.shops) return runShopCountCheck(opts, opts.shops);
  const endpoints = opts.platformUrl.filter((p) => !opts.channels || opts.channels.includes(p.channel));
  const unreachable = (opts.channels ?? []).filter((c) => !endpoints.some((p) => p.channel === c));
  if (unreachable.length) throw new InputError(`--channels: no --platform-url for ${unreachable.join(', ')}`);
  if (endpoints.length === 0) throw new InputError('--platform-url: give the order API of at least one platform, e.g. --platform-url jd=https://jd.example');

  const conn = await connectRunning(loadConfig(), { db: true });
  let results: ChannelDayCount[];
  try {
    const apis = endpoints.map((p) => platformApiFor(p.channel, { baseUrl: p.url }));
    results = await checkDailyCounts(conn.db!, apis, opts.date, AbortSignal.timeout(10 * 60_000));
  } finally {
    await conn.close();
  }
  const gaps = results.filter((r) => !r.ok);
  if (opts.json) {
    console.log(JSON.stringify(results, null, 2));
  } else {
    console.log(formatCountTable(opts.date.date, results));
  }
  process.exitCode = gaps.length ? 1 : 0;
}

async function runShopCountCheck(opts: CountCheckOptions, codes: readonly string[]): Promise<void> {
  const conn = await connectRunning(loadConfig(), { db: true });
  let results: ChannelDayCount[];
  try {
    const db = conn.db!;
    const keyring = processPiiKeyring();
    const all = await loadShopAccounts(db, keyring);
    const unknown = codes.filter((c) => c !== 'all' && !all.some((a) => a.code === c));
    if (unknown.length) throw new InputError(`--shops: no shop account ${unknown.join(', ')} (see \`ordersurge shops list\`)`);
    const chosen = (codes.includes('all') ? all : all.filter((a) => codes.includes(a.code))).filter((a) => !opts.channels || opts.channels.includes(a.channel));
    const log = (line: string): void => console.error(line);
    const shops = chosen.map((a) => ({ code: a.code, api: platformApiFor(a.channel, { baseUrl: a.apiBaseUrl, auth: shopAuthOf(a, { db, keyring, log }) }) }));
    results = await checkShopDailyCounts(db, shops, opts.date, AbortSignal.timeout(10 * 60_000));
  } finally {
    await conn.close();
  }
  console.log(opts.json ? JSON.stringify(results, null, 2) : formatCountTable(opts.date.date, results));
  process.exitCode = results.some((r) => !r.ok) ? 1 : 0;
}

/** The human-readable report: one row per channel, then the ids behind each gap. */
export function formatCountTable(date: string, results: readonly ChannelDayCount[]): string {
  const lines = [`orders of ${date} (China time)`, 'channel   platform  ingested  missing  extra  result'];
  for (const r of results) {
    const count = (ids: string[] | undefined): string => (ids === undefined ? '?' : String(ids.length));
    lines.push(
      `${(r.shop ? `${r.channel}/${r.shop}` : r.channel).padEnd(8)}  ${String(r.platform).padStart(8)}  ${String(r.ingested).padStart(8)}  ${count(r.missing).padStart(7)}  ${count(r.extra).padStart(5)}  ${r.ok ? 'ok' : 'GAP'}`,
    );
  }
  for (const r of results) {
    if (r.ok) continue;
    if (r.missing === undefined) lines.push(`${r.channel}: the platform only counts, so the missing ids cannot be listed`);
    if (r.missing?.length) lines.push(`${r.channel} missing: ${listIds(r.missing)}`);
    if (r.extra?.length) lines.push(`${r.channel} extra: ${listIds(r.extra)}`);
  }
  const gaps = results.filter((r) => !r.ok).length;
  lines.push(gaps ? `${gaps} channel(s) with a gap` : 'every channel matches');
  return lines.join('\n');
}

function listIds(ids: readonly string[]): string {
  const shown = ids.slice(0, LIST_MAX).join(', ');
  return ids.length > LIST_MAX ? `${shown} ... and ${ids.length - LIST_MAX} more (--json lists all)` : shown;
}

function parseDateOption(value: string): ChinaDay {
  const day = parseChinaDay(value);
  if (!day) throw new InputError(`--date: must be a calendar date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  return day;
}
