import os from 'node:os';
import { Command } from 'commander';
import { latestRuleSetVersion, loadRuleSet, ruleSetHistory, saveRuleSet, setProduct } from '../../sql/queries/pricing.ts';
import { parseRuleSet } from '../../workers/pricing/engine/index.ts';
import { loadConfig } from '../config.ts';
import { action, InputError, intOption } from '../run-action.ts';
import { connectRunning } from '../servers.ts';
import { readInput } from '../read-input.ts';
import { TEXT_WIDTH, wrapLines } from '../text-cell.ts';
import { timeJson, timeText } from '../time-display.ts';

export function rulesCommand(): Command {
  const rules = new Command('rules').description('promotion rule sets: versioned data in Postgres; the newest version prices new orders');
  rules
    .command('set')
    .description('validate a rule set (see spec/pricing.md) and store it as the next version')
    .argument('<file>', 'rule set JSON, or - for standard input')
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
        const parsed = parseRuleSet(json);
        if (!parsed.ok) throw new InputError(`${file}: ${parsed.errors[0]}${parsed.errors.length > 1 ? ` (and ${parsed.errors.length - 1} more problems)` : ''}`);
        const conn = await connectRunning(loadConfig(), { db: true });
        try {
          const version = await saveRuleSet(conn.db!, parsed.value, opts.by, opts.note);
          console.log(`rule set version ${version} stored (${parsed.value.promotions.length} promotions); orders priced from now on use it`);
        } finally {
          await conn.close();
        }
      }),
    );
  rules
    .command('show')
    .description('print a rule set version (default: the newest) as JSON')
    .option('--version <n>', 'version number', intOption('--version'))
    .action(
      action(async (opts: { version?: number }) => {
        const conn = await connectRunning(loadConfig(), { db: true });
        try {
          const version = opts.version ?? (await latestRuleSetVersion(conn.db!));
          const stored = version === undefined ? undefined : await loadRuleSet(conn.db!, version);
          if (!stored) throw new InputError(version === undefined ? 'no rule set yet: `ordersurge rules set FILE` stores one' : `--version: no rule set version ${version}`);
          console.log(JSON.stringify({ version: stored.version, createdBy: stored.createdBy, createdAt: timeJson(stored.createdAt), note: stored.note, rules: stored.rules }, null, 2));
        } finally {
          await conn.close();
        }
      }),
    );
  rules
    .command('history')
    .description('every version: who stored it, when, and why')
    .action(
      action(async () => {
        const conn = await connectRunning(loadConfig(), { db: true });
        try {
          const history = await ruleSetHistory(conn.db!);
          if (history.length === 0) console.log('no rule set yet');
          // The note, however long, goes under its version, so each line fits 80 columns.
          for (const h of history) console.log([`v${h.version}  ${timeText(h.createdAt)}  ${h.createdBy}`, ...(h.note ? wrapLines(h.note, TEXT_WIDTH, '    ') : [])].join('\n'));
        } finally {
          await conn.close();
        }
      }),
    );
  return rules;
}

export function catalogueCommand(): Command {
  const catalogue = new Command('catalogue').description('the product catalogue: SKU categories for category promotions');
  catalogue
    .command('set')
    .description('set the category (and title) of a SKU')
    .argument('<sku>')
    .argument('<category>')
    .option('--title <title>', 'product title', '')
    .action(
      action(async (sku: string, category: string, opts: { title: string }) => {
        if (!sku.trim() || !category.trim()) throw new InputError('sku and category: must not be empty');
        const conn = await connectRunning(loadConfig(), { db: true });
        try {
          await setProduct(conn.db!, sku, category, opts.title);
          console.log(`${sku}: category ${category}`);
        } finally {
          await conn.close();
        }
      }),
    );
  return catalogue;
}
