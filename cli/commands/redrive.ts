import { Command } from 'commander';
import { stuckOrders } from '../../sql/queries/orders.ts';
import { openPeakStore } from '../../streams/peak-mode.ts';
import { NON_CORE_STAGES, STAGE_FOR_STATUS, type StageName } from '../../streams/pipeline.ts';
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
          // Orders waiting for a non-core stage during a peak, or while deferred work still waits
          // for its replay, are waiting on purpose: re-driving them would undo the deferral.
          const { state } = await (await openPeakStore(conn.bus!, conn.names)).read();
          const deferred = (await conn.bus!.jsm.streams.info(conn.names.deferredStream)).state.messages;
          const holdNonCore = state.active || deferred > 0;
          const statuses = (Object.entries(STAGE_FOR_STATUS) as [OrderStatus, StageName][]).filter(([, stage]) => !(holdNonCore && NON_CORE_STAGES.has(stage))).map(([status]) => status);
          if (holdNonCore) console.error(`peak mode ${state.active ? 'on' : 'off'}, ${deferred} deferred message(s) waiting: orders waiting for a non-core stage are left to the replay`);
          const stuck = await stuckOrders(conn.db!, statuses, new Date(Date.now() - opts.olderThan * 1000), opts.limit);
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
