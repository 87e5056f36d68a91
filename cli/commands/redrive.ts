import { Command } from 'commander';
import { stuckOrders } from '../../sql/queries/orders.ts';
import { STAGE_FOR_STATUS } from '../../streams/pipeline.ts';
import { redriveOrders } from '../../streams/redrive.ts';
import type { OrderStatus } from '../../sql/database.ts';
import { loadConfig } from '../config.ts';
import { action, intOption } from '../run-action.ts';
import { connectRunning } from '../servers.ts';

export function redriveCommand(): Command {
  return new Command('redrive')
    .description('hand orders stuck in a status back to the stage that moves them on (after a crash lost their message); safe to repeat')
    .option('--older-than <seconds>', 'only orders unchanged for at least this long', intOption('--older-than'), 300)
    .option('--limit <n>', 'at most this many orders', intOption('--limit'), 10_000)
    .option('--dry-run', 'count them, send nothing')
    .action(
      action(async (opts: { olderThan: number; limit: number; dryRun?: boolean }) => {
        const conn = await connectRunning(loadConfig(), { bus: true, db: true });
        try {
          const stuck = await stuckOrders(conn.db!, Object.keys(STAGE_FOR_STATUS) as OrderStatus[], new Date(Date.now() - opts.olderThan * 1000), opts.limit);
          const byStatus = new Map<string, number>();
          for (const o of stuck) byStatus.set(o.status, (byStatus.get(o.status) ?? 0) + 1);
          const summary = [...byStatus].map(([status, n]) => `${n} ${status}`).join(', ') || 'none';
          if (opts.dryRun) {
            console.log(`would re-drive: ${summary}`);
            return;
          }
          const sent = await redriveOrders(conn.bus!.js, conn.names, stuck, String(Date.now()));
          console.log(`re-drove ${sent} order(s): ${summary}`);
        } finally {
          await conn.close();
        }
      }),
    );
}
