import { Command } from 'commander';
import { sql } from 'kysely';
import { listCursors } from '../../sql/queries/connector-cursors.ts';
import { readPipelineStatus } from '../../streams/pipeline-status.ts';
import { loadConfig } from '../config.ts';
import { action } from '../run-action.ts';
import { connectRunning } from '../servers.ts';

export function statusCommand(): Command {
  return new Command('status')
    .description('per-stage queue depth (pending, ack pending), redeliveries, dead letters, orders by status, and connector cursors and failures')
    .option('--json', 'print JSON')
    .action(
      action(async (opts: { json?: boolean }) => {
        const config = loadConfig();
        const conn = await connectRunning(config, { bus: true, db: true });
        try {
          const pipeline = await readPipelineStatus(conn.bus!.jsm, conn.names);
          const rows = await conn
            .db!.selectFrom('orders')
            .select(['status', sql<number>`count(*)::int`.as('n')])
            .groupBy('status')
            .execute();
          const orders = Object.fromEntries(rows.map((r) => [r.status, r.n]));
          const connectors = await listCursors(conn.db!);
          const status = { namespace: config.namespace, natsVersion: conn.bus!.features.version, ...pipeline, orders, connectors };
          if (opts.json) {
            console.log(JSON.stringify(status, null, 2));
            return;
          }
          console.log(`namespace ${status.namespace} on NATS ${status.natsVersion}`);
          console.log('stage      pending  ack-pending  redelivered  dead-letters');
          for (const s of status.stages) {
            console.log(`${s.stage.padEnd(10)} ${String(s.pending).padStart(7)}  ${String(s.ackPending).padStart(11)}  ${String(s.redelivered).padStart(11)}  ${String(s.deadLetters).padStart(12)}`);
          }
          console.log(`orders: ${Object.entries(orders).map(([k, v]) => `${k} ${v}`).join(', ') || 'none yet'}`);
          for (const c of connectors) {
            const health = c.consecutiveFailures > 0 ? `FAILING x${c.consecutiveFailures}: ${c.lastError ?? ''}` : 'ok';
            console.log(`connector ${c.channel}/${c.shop}: cursor ${c.cursorAt.toISOString()}, ${c.published} published, ${c.failures} failed polls, ${health}`);
          }
        } finally {
          await conn.close();
        }
      }),
    );
}
