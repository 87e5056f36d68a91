import { Command } from 'commander';
import { InputError } from './run-action.ts';
import { setDisplayTimeZone } from './time-display.ts';
import { exitCodeOf, packageVersion, throwOnUsageErrors } from './usage-errors.ts';
import { benchCommand } from './commands/bench.ts';
import { dlqCommand } from './commands/dlq.ts';
import { exceptionsCommand } from './commands/exceptions.ts';
import { inventoryCommand } from './commands/inventory.ts';
import { kpiCommand } from './commands/kpi.ts';
import { connectCommand } from './commands/connect.ts';
import { countCheckCommand } from './commands/count-check.ts';
import { migrateCommand } from './commands/migrate.ts';
import { normalizeCommand } from './commands/normalize.ts';
import { orderCommand } from './commands/order.ts';
import { loadCommand } from './commands/load.ts';
import { peakCommand } from './commands/peak.ts';
import { priceCommand } from './commands/price.ts';
import { redriveCommand } from './commands/redrive.ts';
import { routingCommand } from './commands/routing.ts';
import { catalogueCommand, rulesCommand } from './commands/rules.ts';
import { setupCommand } from './commands/setup.ts';
import { simulateCommand } from './commands/simulate.ts';
import { startCommand } from './commands/start.ts';
import { statusCommand } from './commands/status.ts';
import { streamsCommand } from './commands/streams.ts';
import { submitCommand } from './commands/submit.ts';
import { warehousesCommand } from './commands/warehouses.ts';
import { tuiCommand } from './commands/tui.ts';
import { workerCommand } from './commands/worker.ts';

const program = new Command('ordersurge')
  .description('order pipeline for multi-channel sellers: NATS JetStream transport, Postgres system of record')
  .showHelpAfterError('(add --help for usage)')
  .addHelpText('after', '\nOrders are addressed as CHANNEL:EXTERNAL_ID, e.g. shop:5012345. Environment variables: see README.md.');

for (const command of [
  setupCommand(),
  startCommand(),
  benchCommand(),
  loadCommand(),
  workerCommand(),
  streamsCommand(),
  migrateCommand(),
  simulateCommand(),
  submitCommand(),
  connectCommand(),
  countCheckCommand(),
  orderCommand(),
  statusCommand(),
  tuiCommand(),
  kpiCommand(),
  peakCommand(),
  dlqCommand(),
  redriveCommand(),
  inventoryCommand(),
  warehousesCommand(),
  routingCommand(),
  exceptionsCommand(),
  normalizeCommand(),
  priceCommand(),
  rulesCommand(),
  catalogueCommand(),
]) {
  program.addCommand(command);
}

program.version(packageVersion(), '-V, --version', 'print the version');
program
  .option('--tz <zone>', 'time zone of the times shown (default: $TZ, else Asia/Shanghai, China time); --json prints ISO-8601 with the offset')
  .addHelpText('after', 'Money: text views show yuan with two decimals; --json prints integer fen.')
  .hook('preAction', () => setDisplayTimeZone(program.opts<{ tz?: string }>().tz ?? process.env.TZ));
throwOnUsageErrors(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Commander has printed its message (or the help); usage errors exit 2, as any bad input.
  const usage = exitCodeOf(error);
  if (usage !== undefined) {
    process.exitCode = usage;
  } else {
    // Option parsers reject bad values with an InputError before any action runs.
    if (!(error instanceof InputError)) throw error;
    console.error(`ordersurge: ${error.message}`);
    process.exitCode = 2;
  }
}
