import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { action } from '../run-action.ts';
import { ensureServers } from '../../scripts/servers/ensure-servers.ts';
import { stopEmbedded } from '../../scripts/servers/postgres-server.ts';
import { migrateAsOwner } from '../../scripts/servers/database-roles.ts';
import { connectBus } from '../../streams/connect.ts';
import { namesFor } from '../../streams/names.ts';
import { applyTopology } from '../../streams/topology.ts';

export function setupCommand(): Command {
  return new Command('setup')
    .description('bring up NATS (JetStream) and Postgres, apply migrations and the stream topology; safe to run again')
    .option('--stop', 'stop the local servers setup started (embedded Postgres, local nats-server)')
    .action(
      action(async (opts: { stop?: boolean }) => {
        const config = loadConfig();
        if (opts.stop) {
          console.log((await stopEmbedded(config.dataDir)) ? 'stopped embedded Postgres' : 'embedded Postgres was not running');
          console.log(stopLocalNats(config.dataDir) ? 'stopped local nats-server' : 'local nats-server was not running');
          return;
        }
        const servers = await ensureServers(config, (line) => console.log(line));
        // As the owner; the app role gets row access to whatever the migrations made.
        const applied = await migrateAsOwner({ ownerUrl: servers.databaseUrl, appUrl: servers.appDatabaseUrl });
        console.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema up to date: nothing to do');
        const bus = await connectBus(servers.natsUrl, 'ordersurge-setup');
        try {
          const report = await applyTopology(bus.jsm, namesFor(config.namespace));
          const changed = report.filter((r) => r.action !== 'unchanged');
          console.log(
            changed.length
              ? `streams: ${changed.map((r) => `${r.action} ${r.kind} ${r.name}`).join(', ')}`
              : `streams and consumers of namespace ${config.namespace} up to date: nothing to do`,
          );
        } finally {
          await bus.close();
        }
        console.log('ready: `npm start` runs the demo pipeline, `npm test` the tests');
      }),
    );
}

function stopLocalNats(dataDir: string): boolean {
  const pidFile = path.join(dataDir, 'nats', 'nats-server.pid');
  if (!existsSync(pidFile)) return false;
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGTERM');
    return true;
  } catch {
    return false;
  }
}
