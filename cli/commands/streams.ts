import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { action } from '../run-action.ts';
import { connectRunning } from '../servers.ts';
import { applyTopology } from '../../streams/topology.ts';

export function streamsCommand(): Command {
  const streams = new Command('streams').description('the JetStream topology: stage streams, consumers, dead letters, deferred');
  streams
    .command('apply')
    .description('create or update every stream and consumer (idempotent)')
    .option('--json', 'print the report as JSON')
    .action(
      action(async (opts: { json?: boolean }) => {
        const config = loadConfig();
        const conn = await connectRunning(config, { bus: true });
        try {
          const report = await applyTopology(conn.bus!.jsm, conn.names);
          if (opts.json) console.log(JSON.stringify(report, null, 2));
          else for (const r of report) console.log(`${r.action.padEnd(9)} ${r.kind.padEnd(8)} ${r.name}`);
        } finally {
          await conn.close();
        }
      }),
    );
  return streams;
}
