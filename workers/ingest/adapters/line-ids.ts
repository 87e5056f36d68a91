import { describeValue } from './field-errors.ts';
import type { PayloadReader } from './payload-reader.ts';

/**
 * Line ids for platforms whose lines have none of their own (JD, Pinduoduo): the platform SKU id,
 * made unique with `#2`, `#3` when one SKU appears on several lines (a gift of the same item).
 */
export class LineIds {
  private readonly seen = new Map<string, number>();
  private readonly given = new Set<string>();

  next(skuId: string): string {
    let count = this.seen.get(skuId) ?? 0;
    let id: string;
    // A SKU id that itself looks like `A#2` must not collide with the second line of SKU `A`.
    do {
      count++;
      id = count === 1 ? skuId : `${skuId}#${count}`;
    } while (this.given.has(id));
    this.seen.set(skuId, count);
    this.given.add(id);
    return id;
  }
}

/**
 * Checks the line ids a platform gives: two lines of one order with the same id could never both
 * be stored, so a repeat is a field error naming both lines.
 *
 * @example
 * const ids = new DistinctLineIds();
 * lineId: ids.check(item, 'id', item.id('id')) // 'line_items[1].id: repeats the line id "7" of line_items[0].id; ...'
 */
export class DistinctLineIds {
  private readonly first = new Map<string, string>();

  check(line: PayloadReader, key: string, id: string): string {
    const earlier = this.first.get(id);
    if (earlier !== undefined) {
      line.fail(key, `repeats the line id ${describeValue(id)} of ${earlier}; line ids must be unique within an order`);
    } else if (id !== '') {
      this.first.set(id, line.pathOf(key));
    }
    return id;
  }
}
