// `npm run faults [-- --orders N ...]`: one fault run on a pipeline of its own (see run-faults.ts).
// Prints progress on stderr, the report as JSON on stdout, and writes it to --report.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../../cli/config.ts';
import { action, intOption, positiveIntOption } from '../../cli/run-action.ts';
import { DEFAULT_FAULT_PLAN, runFaults } from './run-faults.ts';

const d = DEFAULT_FAULT_PLAN;
const program = new Command('faults')
  .description(
    'a fault run on a pipeline of its own (own nats-server and Postgres cluster on spare 127.0.0.1 ports): workers killed -9, ' +
      'NATS killed -9 and restarted, Postgres stopped -m immediate and restarted, the carrier failing for two minutes, hostile payloads among good ones; ' +
      'then counts offered, notified, lost, duplicated, dead-lettered and recovery times. Exit 1 if anything was lost or duplicated, a hostile payload got through, or a process crashed',
  )
  .option('--orders <n>', 'good orders fed (all six platforms)', positiveIntOption('--orders'), d.orders)
  .option('--rate <r>', 'orders per second fed', positiveIntOption('--rate'), d.rate)
  .option('--hostile <n>', 'hostile payloads', intOption('--hostile'), d.hostile)
  .option('--mixed-good <n>', 'good web-shop orders mixed among the hostile ones', intOption('--mixed-good'), d.mixedGood)
  .option('--carrier-down-s <s>', 'seconds the carrier fails every request', intOption('--carrier-down-s'), d.carrierDownS)
  .option('--max-s <s>', 'the run stops by itself after this long', positiveIntOption('--max-s'), d.maxSeconds)
  .option('--report <file>', 'where to write the JSON report (default: $ORDERSURGE_DATA_DIR/faults/faults-TIME.json)')
  .action(
    action(async (opts: { orders: number; rate: number; hostile: number; mixedGood: number; carrierDownS: number; maxS: number; report?: string }) => {
      const report = await runFaults({
        ...d,
        orders: opts.orders,
        rate: opts.rate,
        hostile: opts.hostile,
        mixedGood: opts.mixedGood,
        carrierDownS: opts.carrierDownS,
        maxSeconds: opts.maxS,
        log: (line) => console.error(line),
      });
      const file = opts.report ?? path.join(loadConfig().dataDir, 'faults', `faults-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
      console.log(JSON.stringify(report, null, 2));
      console.error(`faults: report written to ${file}`);
      const bad = report.lost + report.duplicated.total + report.oversold + report.hostile.slippedThrough.length + report.unexpectedExits.length;
      if (bad > 0 || !report.notifiedExactlyOnce) process.exitCode = 1;
    }),
  );
await program.parseAsync(process.argv);
