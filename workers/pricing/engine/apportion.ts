import { fen, type Fen } from '../../../streams/money.ts';

/**
 * Splits `total` fen across lines in proportion to `amounts` (each line's running amount just
 * before the discount): every line gets floor(share) and the fen left over go one at a time to
 * the largest fractional remainders, ties to the earlier line. All integer arithmetic; BigInt only
 * when a product could pass 2^53. A line of amount 0 (a gift line) gets nothing, and no share
 * exceeds its line's amount, so no line goes below 0.
 *
 * @throws RangeError when `total` is more than the amounts add up to.
 * @example
 * apportion(fen(100), [fen(1), fen(1), fen(1)]) // [34, 33, 33]
 * apportion(fen(5000), [fen(39800), fen(0)])    // [5000, 0]
 */
export function apportion(total: Fen, amounts: readonly Fen[]): Fen[] {
  let sum = 0;
  for (const amount of amounts) sum += amount;
  if (total > sum) throw new RangeError(`cannot apportion ${total} fen over amounts adding up to ${sum}`);
  const shares = new Array<Fen>(amounts.length);
  if (total === 0) return shares.fill(fen(0));

  const remainders = new Array<number>(amounts.length);
  let given = 0;
  if (Number.isSafeInteger(total * sum)) {
    for (let i = 0; i < amounts.length; i++) {
      const product = total * (amounts[i] ?? 0);
      const remainder = product % sum;
      const share = (product - remainder) / sum;
      shares[i] = fen(share);
      remainders[i] = remainder;
      given += share;
    }
  } else {
    const bigTotal = BigInt(total);
    const bigSum = BigInt(sum);
    for (let i = 0; i < amounts.length; i++) {
      const product = bigTotal * BigInt(amounts[i] ?? 0);
      const share = Number(product / bigSum);
      shares[i] = fen(share);
      remainders[i] = Number(product % bigSum);
      given += share;
    }
  }

  const leftover = total - given;
  if (leftover > 0) {
    const byRemainder = Array.from(amounts, (_, i) => i).sort(
      (a, b) => (remainders[b] ?? 0) - (remainders[a] ?? 0) || a - b,
    );
    // leftover < number of lines with a non-zero remainder, so zero-amount lines never get a fen.
    for (let k = 0; k < leftover; k++) {
      const i = byRemainder[k] ?? 0;
      shares[i] = fen((shares[i] ?? 0) + 1);
    }
  }
  return shares;
}
