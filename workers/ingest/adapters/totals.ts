import { fen, type Fen } from '../../../streams/money.ts';
import type { OrderLine } from '../../../streams/canonical-order.ts';
import type { FieldErrors } from './field-errors.ts';

/**
 * The list amount of the goods, sum of unitPrice × qty over the lines. A total past the safe
 * integer range is reported at `linesPath` rather than thrown.
 */
export function goodsAmount(lines: readonly OrderLine[], linesPath: string, errors: FieldErrors): Fen {
  let total = 0;
  for (const line of lines) total += line.unitPrice * line.qty;
  if (Number.isSafeInteger(total)) return fen(total);
  errors.add(linesPath, 'the amounts of the lines are too large to add up');
  return fen(0);
}

/** Sum of amounts, or 0 (with an error at `path`) if it leaves the safe integer range. */
export function sumFen(amounts: readonly Fen[], path: string, errors: FieldErrors): Fen {
  let total = 0;
  for (const amount of amounts) total += amount;
  if (Number.isSafeInteger(total)) return fen(total);
  errors.add(path, 'the amounts are too large to add up');
  return fen(0);
}
