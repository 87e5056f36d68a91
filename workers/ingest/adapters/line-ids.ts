/**
 * Line ids for platforms whose lines have none of their own (JD, Pinduoduo): the platform SKU id,
 * made unique with `#2`, `#3` when one SKU appears on several lines (a gift of the same item).
 */
export class LineIds {
  private readonly seen = new Map<string, number>();

  next(skuId: string): string {
    const count = (this.seen.get(skuId) ?? 0) + 1;
    this.seen.set(skuId, count);
    return count === 1 ? skuId : `${skuId}#${count}`;
  }
}
