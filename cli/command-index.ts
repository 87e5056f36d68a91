import type { Command } from 'commander';

/**
 * One command of the CLI as the top-level help lists it, and how to load it when it runs.
 * Only the command that runs is loaded: its module pulls in NATS, Postgres, piscina or ink,
 * which `ordersurge --help` (and every other command) should not pay for at startup.
 */
export interface CommandEntry {
  name: string;
  /** The command's line in the top-level help, as commander prints it, e.g. `status [options]`. */
  term: string;
  description: string;
  load: () => Promise<Command>;
}

/**
 * Every command, in the order `ordersurge --help` lists them.
 *
 * To add a command: write `cli/commands/NAME.ts` exporting `nameCommand(): Command`, then add an
 * entry here with its name, term and description exactly as the module defines them, and a
 * `load` that imports the module. `command-index.test.ts` fails while an entry and its module
 * disagree, so the help cannot drift from the commands.
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'setup',
    term: 'setup [options]',
    description: 'bring up NATS (JetStream) and Postgres, apply migrations and the stream topology; safe to run again',
    load: async () => (await import('./commands/setup.ts')).setupCommand(),
  },
  {
    name: 'start',
    term: 'start [options]',
    description: 'the demo: servers, migrations, topology, all six stages, the simulators, and orders fed at a steady rate, with a live status line',
    load: async () => (await import('./commands/start.ts')).startCommand(),
  },
  {
    name: 'bench',
    term: 'bench',
    description: 'benchmarks on the configured servers, each on its own namespace and database, cleaned up afterwards',
    load: async () => (await import('./commands/bench.ts')).benchCommand(),
  },
  {
    name: 'load',
    term: 'load [options]',
    description: 'replay a load profile (a steady day, a 50x peak, a flash sale, a mixed day of payments, cancellations and refunds, an overload) on the running pipeline, or on one of its own when none runs (or with --private), and report throughput, latency, peak mode and proof that nothing was lost, duplicated or oversold',
    load: async () => (await import('./commands/load.ts')).loadCommand(),
  },
  {
    name: 'worker',
    term: 'worker [options]',
    description: 'run stage workers against their durable consumers; start as many processes as you like, on any machine',
    load: async () => (await import('./commands/worker.ts')).workerCommand(),
  },
  {
    name: 'streams',
    term: 'streams',
    description: 'the JetStream topology: stage streams, consumers, dead letters, deferred',
    load: async () => (await import('./commands/streams.ts')).streamsCommand(),
  },
  {
    name: 'migrate',
    term: 'migrate',
    description: "apply pending database migrations (as the owner: DATABASE_OWNER_URL, else DATABASE_URL, else the embedded server's)",
    load: async () => (await import('./commands/migrate.ts')).migrateCommand(),
  },
  {
    name: 'simulate',
    term: 'simulate [options]',
    description: "run the local simulators: carrier e-waybill API, SMS gateway, WMS pick tasks, and each platform's order API (orders and later updates)",
    load: async () => (await import('./commands/simulate.ts')).simulateCommand(),
  },
  {
    name: 'submit',
    term: 'submit [options] <file>',
    description: 'publish raw channel payloads into the pipeline: one JSON object, or JSON lines; every line is checked before any is published',
    load: async () => (await import('./commands/submit.ts')).submitCommand(),
  },
  {
    name: 'connect',
    term: 'connect [options]',
    description: "bring orders in: poll each platform's order API and receive webhooks, publishing every order into ingest, until Ctrl-C",
    load: async () => (await import('./commands/connect.ts')).connectCommand(),
  },
  {
    name: 'shops',
    term: 'shops',
    description: 'shop accounts: each seller account on a platform, its API address, app key and sealed credentials',
    load: async () => (await import('./commands/shops.ts')).shopsCommand(),
  },
  {
    name: 'count-check',
    term: 'count-check [options]',
    description: "compare each platform's order count for a China-time day with the orders ingested that day, and list the missing order ids",
    load: async () => (await import('./commands/count-check.ts')).countCheckCommand(),
  },
  {
    name: 'order',
    term: 'order',
    description: 'look at orders',
    load: async () => (await import('./commands/order.ts')).orderCommand(),
  },
  {
    name: 'status',
    term: 'status [options]',
    description: 'per-stage queue depth (pending, ack pending), oldest message age, criticality, redeliveries, dead letters, orders by status, exceptions by type, and connector cursors and failures (orders and after-sales, per shop)',
    load: async () => (await import('./commands/status.ts')).statusCommand(),
  },
  {
    name: 'tui',
    term: 'tui [options]',
    description: 'the operations console: every stage live (throughput, queues, oldest message, redeliveries, dead letters, workers), peak mode, KPIs, dead letters and exceptions; keys: ? for help',
    load: async () => (await import('./commands/tui.ts')).tuiCommand(),
  },
  {
    name: 'kpi',
    term: 'kpi [options]',
    description: 'the five KPIs of a period (processing time, exception rate, inventory accuracy, complaint rate, reconciliation difference) against their healthy limits, and the exception alert',
    load: async () => (await import('./commands/kpi.ts')).kpiCommand(),
  },
  {
    name: 'peak',
    term: 'peak [options] [mode]',
    description: 'show peak mode, or force it: on (defer non-core work now), off (run it inline, replay what was deferred), auto (the guard follows the inflow)',
    load: async () => (await import('./commands/peak.ts')).peakCommand(),
  },
  {
    name: 'dlq',
    term: 'dlq',
    description: 'dead letters: messages a stage could not process, kept with their reason',
    load: async () => (await import('./commands/dlq.ts')).dlqCommand(),
  },
  {
    name: 'redrive',
    term: 'redrive [options]',
    description: 'hand orders stuck in a status back to the stage that moves them on (after a crash lost their message); safe to repeat',
    load: async () => (await import('./commands/redrive.ts')).redriveCommand(),
  },
  {
    name: 'inventory',
    term: 'inventory',
    description: 'stock per SKU and warehouse',
    load: async () => (await import('./commands/inventory.ts')).inventoryCommand(),
  },
  {
    name: 'warehouses',
    term: 'warehouses',
    description: 'the warehouses routing ships from: province, carriers, daily capacity',
    load: async () => (await import('./commands/warehouses.ts')).warehousesCommand(),
  },
  {
    name: 'routing',
    term: 'routing',
    description: 'routing rules: provinces -> regions -> warehouses in preference order, split thresholds; versioned data in Postgres',
    load: async () => (await import('./commands/routing.ts')).routingCommand(),
  },
  {
    name: 'exceptions',
    term: 'exceptions',
    description: "the operator's queue: orders held as exceptions (backorder, bad_address, waybill_rejected, ...) until retried or resolved",
    load: async () => (await import('./commands/exceptions.ts')).exceptionsCommand(),
  },
  {
    name: 'aftersales',
    term: 'aftersales',
    description: 'after-sales tickets (refund only, return and refund, exchange): open, approve or reject, track the return, inspect, refund or ship the exchange',
    load: async () => (await import('./commands/aftersales.ts')).aftersalesCommand(),
  },
  {
    name: 'reconcile',
    term: 'reconcile',
    description: "settlement reconciliation: import a platform's settlement export, then report per order what was settled against what was receivable, and the difference rate",
    load: async () => (await import('./commands/reconcile.ts')).reconcileCommand(),
  },
  {
    name: 'normalize',
    term: 'normalize [options] <file>',
    description: 'show the canonical order a channel payload becomes, or why it is rejected (no servers needed)',
    load: async () => (await import('./commands/normalize.ts')).normalizeCommand(),
  },
  {
    name: 'price',
    term: 'price [options] <order>',
    description: 'price one order under a rule set (a dry run of a sale) and print the result',
    load: async () => (await import('./commands/price.ts')).priceCommand(),
  },
  {
    name: 'rules',
    term: 'rules',
    description: 'promotion rule sets: versioned data in Postgres; the newest version prices new orders',
    load: async () => (await import('./commands/rules.ts')).rulesCommand(),
  },
  {
    name: 'catalogue',
    term: 'catalogue',
    description: 'the product catalogue: SKU categories for category promotions',
    load: async () => (await import('./commands/rules.ts')).catalogueCommand(),
  },
];

/** Options of the top-level command that take a value (so the value is not a command name). */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--tz']);

/**
 * The name of the command an argument list runs (or asks help for), so only its module loads;
 * undefined when it names none (`--help`, `--version`, nothing).
 *
 * @example
 * invokedCommand(['--tz', 'UTC', 'order', 'show', 'shop:1']) // 'order'
 * invokedCommand(['help', 'status']) // 'status'
 */
export function invokedCommand(args: readonly string[]): string | undefined {
  const operands: string[] = [];
  for (let i = 0; i < args.length && operands.length < 2; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') continue;
    if (arg.startsWith('-')) {
      if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) i++;
      continue;
    }
    operands.push(arg);
    if (arg !== 'help') break;
  }
  return operands[0] === 'help' ? operands[1] : operands[0];
}
