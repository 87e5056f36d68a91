import os from 'node:os';
import { Command } from 'commander';
import { latestRoutingRulesVersion, loadRoutingRules, routingRulesHistory, saveRoutingRules } from '../../sql/queries/routing-rules.ts';
import { listWarehouses } from '../../sql/queries/warehouses.ts';
import { parseRoutingRules } from '../../workers/routing/routing-rules.ts';
import { loadConfig } from '../config.ts';
import { action, InputError, intOption } from '../run-action.ts';
import { readInput } from '../read-input.ts';
import { connectRunning } from '../servers.ts';
import { TEXT_WIDTH, wrapLines } from '../text-cell.ts';
import { timeJson, timeText } from '../time-display.ts';

export function routingCommand(): Command {
  const routing = new Command('routing').description('routing rules: provinces -> regions -> warehouses in preference order, split thresholds; versioned data in Postgres');
  routing
    .command('set')
    .description('validate a routing rule file (see workers/routing/default-routing-rules.json) and store it as the next version')
    .argument('<file>', 'rule file JSON, or - for standard input')
    .option('--by <name>', 'who makes the change (kept with the version)', os.userInfo().username)
    .option('--note <text>', 'why (kept with the version)', '')
    .action(
      action(async (file: string, opts: { by: string; note: string }) => {
        let json: unknown;
        try {
          json = JSON.parse(readInput(file));
        } catch (error) {
          if (error instanceof InputError) throw error;
          throw new InputError(`${file}: not valid JSON (${(error as Error).message})`);
        }
        const parsed = parseRoutingRules(json);
        if (!parsed.ok) throw new InputError(`${file}: ${parsed.errors[0]}${parsed.errors.length > 1 ? ` (and ${parsed.errors.length - 1} more problems)` : ''}`);
        const conn = await connectRunning(loadConfig(), { db: true });
        try {
          const known = new Set((await listWarehouses(conn.db!)).map((w) => w.code));
          const lists = [...parsed.value.regions.map((r, i) => ({ at: `regions.${i}.warehouses`, list: r.warehouses })), { at: 'default', list: parsed.value.default }];
          for (const { at, list } of lists) {
            const unknown = list.find((w) => !known.has(w));
            if (unknown !== undefined) throw new InputError(`${file}: ${at}: unknown warehouse ${JSON.stringify(unknown)} (\`ordersurge warehouses set\` adds one)`);
          }
          const version = await saveRoutingRules(conn.db!, parsed.value, opts.by, opts.note);
          console.log(`routing rules version ${version} stored (${parsed.value.regions.length} regions); orders routed from now on use it`);
        } finally {
          await conn.close();
        }
      }),
    );
  routing
    .command('show')
    .description('print a routing rule version (default: the newest) as JSON (createdAt ISO-8601 with offset)')
    .option('--version <n>', 'version number', intOption('--version'))
    .action(
      action(async (opts: { version?: number }) => {
        const conn = await connectRunning(loadConfig(), { db: true });
        try {
          const version = opts.version ?? (await latestRoutingRulesVersion(conn.db!))?.version;
          const stored = version === undefined ? undefined : await loadRoutingRules(conn.db!, version);
          if (!stored) throw new InputError(version === undefined ? 'no routing rules yet: `ordersurge migrate` stores the default file' : `--version: no routing rules version ${version}`);
          console.log(JSON.stringify({ version: stored.version, createdBy: stored.createdBy, createdAt: timeJson(stored.createdAt), note: stored.note, rules: stored.rules }, null, 2));
        } finally {
          await conn.close();
        }
      }),
    );
  routing
    .command('history')
    .description('every version: who stored it, when, and why')
    .action(
      action(async () => {
        const conn = await connectRunning(loadConfig(), { db: true });
        try {
          // The note, however long, goes under its version, so each line fits 80 columns.
          for (const h of await routingRulesHistory(conn.db!)) console.log([`v${h.version}  ${timeText(h.createdAt)}  ${h.createdBy}`, ...(h.note ? wrapLines(h.note, TEXT_WIDTH, '    ') : [])].join('\n'));
        } finally {
          await conn.close();
        }
      }),
    );
  return routing;
}
