import { formatYuan } from '../../../streams/money.ts';
import type { PriceResult } from './price-result.ts';

/**
 * Renders a price as plain text for people: the sum at the top, then every step of the trace and
 * every line, amounts in yuan. Answers "why did this order pay 298.50?".
 *
 * @example
 * console.log(explain(price(order, rules)));
 * // Order shop-10001 pays 308.50
 * //   goods 398.00 - discounts 99.50 = 298.50, + shipping 10.00
 * // ...
 */
export function explain(result: PriceResult): string {
  const out: string[] = [
    `Order ${result.orderId} pays ${formatYuan(result.payable)}`,
    `  goods ${formatYuan(result.goodsTotal)} - discounts ${formatYuan(result.discountTotal)} = ${formatYuan(result.goodsPayable)}, + shipping ${formatYuan(result.shippingFee)}`,
    '',
    'Steps (amounts in yuan)',
  ];
  if (result.trace.length === 0) {
    out.push('  (no promotion applies to this order)');
  } else {
    out.push(
      ...table(
        ['#', 'level', 'promotion', 'type', 'lines', 'base', 'discount'],
        result.trace.map((t) => ({
          cells: [String(t.step), t.level, t.promotionId, t.type, t.scope === undefined ? 'all' : t.scope.join(','), formatYuan(t.base), negative(t.discount)],
          below: [t.note === undefined ? undefined : noteInYuan(t.note), t.excludedBy === undefined ? undefined : `excluded by ${t.excludedBy}`]
            .filter((part) => part !== undefined)
            .join('; '),
        })),
        new Set([5, 6]),
      ),
    );
  }
  out.push('', 'Lines');
  out.push(
    ...table(
      ['line', 'sku', 'qty', 'list', 'item disc', 'order disc', 'payable'],
      result.lines.map((line) => {
        const allocations = Object.entries(line.allocations);
        const orderDiscount = allocations.reduce((sum, [, amount]) => sum + amount, 0);
        return {
          cells: [
            line.gift === true ? `${line.lineId} (gift)` : line.lineId,
            line.sku,
            String(line.qty),
            formatYuan(line.listAmount),
            negative(line.itemDiscount),
            negative(orderDiscount),
            formatYuan(line.payable),
          ],
          below: allocations.length === 0 ? '' : `order discount by promotion: ${allocations.map(([id, amount]) => `${id} ${formatYuan(amount)}`).join(', ')}`,
        };
      }),
      new Set([2, 3, 4, 5, 6]),
    ),
  );
  return out.join('\n');
}

function negative(amount: number): string {
  return amount === 0 ? '0.00' : `-${formatYuan(amount)}`;
}

/**
 * Left-aligned columns two spaces apart; columns in `right` are right-aligned (amounts). A row's
 * free text (why a step applied, how a line's order discount splits) goes on a line of its own
 * below it, indented past the first column, so the table stays within an 80-column terminal.
 */
function table(header: readonly string[], rows: readonly { cells: readonly string[]; below: string }[], right: ReadonlySet<number>): string[] {
  const widths = header.map((title, c) => Math.max(title.length, ...rows.map((row) => (row.cells[c] ?? '').length)));
  const render = (cells: readonly string[]): string =>
    `  ${cells
      .map((cell, c) => (right.has(c) ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd()}`;
  const indent = ' '.repeat(2 + (widths[0] ?? 0) + 2);
  return [render(header), ...rows.flatMap((row) => (row.below === '' ? [render(row.cells)] : [render(row.cells), `${indent}${row.below}`]))];
}

/**
 * The trace's notes quote amounts in fen, as the trace (JSON) keeps them; the text view says
 * them in yuan like every other amount on it. Only the phrases that carry money are rewritten
 * (a quantity such as `minQty 2` stays as it is).
 *
 * @example
 * noteInYuan('threshold 30000 reached 3 times; capped at 10000') // 'threshold 300.00 reached 3 times; capped at 100.00'
 */
function noteInYuan(note: string): string {
  return note.replace(/\b(threshold|capped at|goods payable|shipping) (\d+)\b/g, (_, phrase: string, fen: string) => `${phrase} ${formatYuan(Number(fen))}`);
}
