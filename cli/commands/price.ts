import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { explain } from '../../workers/pricing/engine/explain.ts';
import { parsePriceOrder } from '../../workers/pricing/engine/order-input.ts';
import type { ParseResult } from '../../workers/pricing/engine/parse-result.ts';
import { price } from '../../workers/pricing/engine/price.ts';
import { parseRuleSet } from '../../workers/pricing/engine/rule-set.ts';

/** Exit code for input the command cannot price: unreadable file, bad JSON, schema error. */
export const EXIT_INVALID_INPUT = 2;

/**
 * `ordersurge price --promotions RULES.json ORDER.json [--explain]`: dry-runs a rule set on one
 * order. Prints the priced order as JSON (or, with `--explain`, as a readable table) and exits 0;
 * invalid input prints one line naming the file, the field and the problem on stderr and exits 2.
 *
 * @example
 * program.addCommand(priceCommand());
 */
export function priceCommand(): Command {
  return new Command('price')
    .description('price one order under a rule set (a dry run of a sale) and print the result')
    .requiredOption('--promotions <rules>', 'rule set JSON file: { "order"?: [...levels], "promotions": [...] }')
    .option('--explain', 'print a readable table of every step instead of JSON')
    .argument('<order>', 'order JSON file: { orderId, channel, placedAt, lines, shippingFee, coupons }')
    .action((orderPath: string, options: { promotions: string; explain?: true }) => {
      const rules = load(options.promotions, parseRuleSet);
      if (!rules.ok) return fail(rules.problem);
      const order = load(orderPath, parsePriceOrder);
      if (!order.ok) return fail(order.problem);
      const result = price(order.value, rules.value);
      process.stdout.write(options.explain === true ? `${explain(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
    });
}

const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
};

type Loaded<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Reads, decodes and validates one input file; any failure becomes a single line naming the file. */
function load<T>(path: string, parse: (json: unknown) => ParseResult<T>): Loaded<T> {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    return { ok: false, problem: `${path}: cannot read the file: ${READ_ERRORS[code] ?? (code || 'unknown error')}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch (error) {
    return { ok: false, problem: `${path}: not valid JSON: ${oneLine((error as Error).message)}` };
  }
  const parsed = parse(json);
  if (parsed.ok) return parsed;
  const [first = 'invalid', ...rest] = parsed.errors;
  const more = rest.length === 0 ? '' : ` (and ${rest.length} more problem${rest.length === 1 ? '' : 's'})`;
  return { ok: false, problem: `${path}: ${first}${more}` };
}

function fail(problem: string): void {
  process.stderr.write(`ordersurge: ${oneLine(problem)}\n`);
  process.exitCode = EXIT_INVALID_INPUT;
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ');
}
