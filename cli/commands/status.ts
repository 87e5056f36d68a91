import { Command } from 'commander';
import { snapshotReader } from '../../tui/pipeline-snapshot.ts';
import { loadConfig } from '../config.ts';
import { action } from '../run-action.ts';
import { connectRunning } from '../servers.ts';

export function statusCommand(): Command {
  return new Command('status')
    .description('per-stage queue depth (pending, ack pending), oldest message age, criticality, redeliveries, dead letters, orders by status, and connector cursors and failures')
    .option('--json', 'print JSON')
    .action(
      action(async (opts: { json?: boolean }) => {
        const config = loadConfig();
        const conn = await connectRunning(config, { bus: true, db: true, natsRole: 'console' });
        try {
          const snapshot = await snapshotReader(conn.bus!.jsm, conn.db!, conn.names).read();
          const { orders, connectors } = snapshot;
          const status = { namespace: config.namespace, natsVersion: conn.bus!.features.version, ...snapshot };
          if (opts.json) {
            console.log(JSON.stringify(status, null, 2));
            return;
          }
          console.log(`namespace ${status.namespace} on NATS ${status.natsVersion}`);
          console.log('stage      pending  ack-pending  oldest(s)  redelivered  dead-letters  criticality');
          for (const s of status.stages) {
            const cells = [String(s.pending).padStart(7), String(s.ackPending).padStart(11), (s.oldestAgeMs / 1000).toFixed(1).padStart(9), String(s.redelivered).padStart(11), String(s.deadLetters).padStart(12)];
            console.log(`${s.stage.padEnd(10)} ${cells.join('  ')}  ${s.criticality}`);
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
