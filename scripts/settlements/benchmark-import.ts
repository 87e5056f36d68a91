/**
 * The settlement import benchmark: writes a settlement export of N entries (1,000,000 by
 * default; a JD settlement sheet in GBK, so decoding is measured too), imports it into a
 * database of its own on the configured Postgres server, and prints the time, the rate and the
 * peak memory of the process, sampled every 50 ms; exits 1 when the peak RSS passes the bound.
 *
 *   node --import tsx scripts/settlements/benchmark-import.ts [--lines 1000000] [--channel jd] [--max-rss-mb 256]
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../cli/config.ts';
import { databaseUrlsOf } from '../../cli/servers.ts';
import { createDb } from '../../sql/database.ts';
import { migrateToLatest } from '../../sql/migrate.ts';
import { formatOfChannel } from '../../workers/reconcile/formats/index.ts';
import { importSettlementFile } from '../../workers/reconcile/import-settlement-file.ts';
import { reportPeriod } from '../../workers/reconcile/report-period.ts';
import { createDatabaseIfMissing, dropDatabase } from '../servers/postgres-server.ts';
import { writeSettlementFile } from './settlement-writer.ts';
import { syntheticEntries } from './write-settlement-file.ts';

const MB = 1024 ** 2;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { lines: { type: 'string', default: '1000000' }, channel: { type: 'string', default: 'jd' }, 'max-rss-mb': { type: 'string', default: '256' } } });
  const lines = Number(values.lines);
  const bound = Number(values['max-rss-mb']);
  const format = formatOfChannel(values.channel);
  if (!format || !Number.isInteger(lines) || lines < 1) throw new Error('--channel: tmall, jd, douyin or pdd; --lines: a positive integer');
  const day = reportPeriod('2026-11-11') as { ok: true; from: Date; to: Date };

  const dir = await mkdtemp(path.join(os.tmpdir(), 'ordersurge-settlement-bench-'));
  const file = path.join(dir, `${format.name}-${lines}.csv`);
  const name = `ordersurge_settlement_bench_${randomBytes(3).toString('hex')}`;
  const owner = new URL(databaseUrlsOf(loadConfig()).ownerUrl);
  const admin = new URL(owner);
  admin.pathname = '/postgres';
  owner.pathname = `/${name}`;
  try {
    let started = Date.now();
    await writeSettlementFile(file, format, syntheticEntries(format.channel, lines, day.from), day);
    const { size } = await stat(file);
    console.log(`wrote ${lines.toLocaleString('en-US')} entries, ${(size / MB).toFixed(1)} MB (${format.title}, ${format.encoding}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    await createDatabaseIfMissing(admin.toString(), name);
    const db = createDb(owner.toString(), 2);
    try {
      await migrateToLatest(db);
      global.gc?.();
      const before = process.memoryUsage();
      let peakRss = before.rss;
      let peakHeap = before.heapUsed;
      const sampler = setInterval(() => {
        const m = process.memoryUsage();
        peakRss = Math.max(peakRss, m.rss);
        peakHeap = Math.max(peakHeap, m.heapUsed);
      }, 50);
      started = Date.now();
      const result = await importSettlementFile(db, file, {
        shop: format.channel,
        onProgress: (p) => console.log(`  ${p.rows.toLocaleString('en-US')} rows  ${Math.round((100 * p.bytes) / p.totalBytes)}%  ${((Date.now() - started) / 1000).toFixed(1)} s  rss ${(process.memoryUsage().rss / MB).toFixed(0)} MB`),
      });
      clearInterval(sampler);
      const seconds = (Date.now() - started) / 1000;
      const again = Date.now();
      const second = await importSettlementFile(db, file, { shop: format.channel });
      console.log(`imported ${result.rowsRead.toLocaleString('en-US')} rows (${result.rowsStored.toLocaleString('en-US')} stored) in ${seconds.toFixed(1)} s: ${Math.round(result.rowsRead / seconds).toLocaleString('en-US')} rows/s`);
      console.log(`memory: rss ${(before.rss / MB).toFixed(0)} MB before, peak ${(peakRss / MB).toFixed(0)} MB (bound ${bound} MB); heap used peak ${(peakHeap / MB).toFixed(0)} MB`);
      console.log(`same file again: ${second.imported ? 'IMPORTED AGAIN' : 'nothing changed'} in ${((Date.now() - again) / 1000).toFixed(1)} s (hash only)`);
      if (peakRss / MB > bound || second.imported || result.rowsStored !== lines) process.exitCode = 1;
    } finally {
      await db.destroy();
      await dropDatabase(admin.toString(), name);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
