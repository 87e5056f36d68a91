import { Command } from 'commander';
import { sql } from 'kysely';
import { readPipelineStatus } from '../../streams/pipeline-status.ts';
import { loadConfig } from '../config.ts';
import { action } from '../run-action.ts';
import { connectRunning } from '../servers.ts';

export function statusCommand(): Command {
  return new Command('status')
    .description('per-stage queue depth (pending, ack pending), redeliveries, dead letters, and orders by status')
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
          const status = { namespace: config.namespace, natsVersion: conn.bus!.features.version, ...pipeline, orders };
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
        } finally {
          await conn.close();
        }
      }),
    );
}
