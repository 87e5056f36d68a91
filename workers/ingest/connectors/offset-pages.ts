import { PlatformResponseError } from './connector-errors.ts';
import type { Channel } from '../../../streams/canonical-order.ts';

/** One page of an offset-paged listing, and the listing's total at the time. */
export interface OffsetPage<T> {
  items: T[];
  total: number;
}

export interface OffsetPaging {
  channel: Channel;
  /** The API, for errors. */
  call: string;
  pageSize: number;
  /** Number of the first page: 1 on most platforms, 0 on Douyin. */
  firstPage: number;
}

const MAX_REREADS = 3;

/**
 * Reads every page of an offset-paged listing of modified orders, LAST page first.
 *
 * Why backwards: while we page, orders of the window are updated and leave it (their modified
 * time jumps to now). Read front to back, every order behind a leaver slides one place forward
 * onto a page already read, and is never seen, nor seen again, since it did not change. Read
 * back to front, orders only slide onto pages still to come. This is the paging TOP recommends
 * for `taobao.trades.sold.increment.get`.
 *
 * The window lies in the past, so orders only leave it; one arriving late (a platform's own
 * lag) would slide the others backwards onto pages already read. When the total grew while we
 * read, the window is read again (at most three times; then the poll fails and is retried).
 */
export async function* lastPageFirst<T>(fetchPage: (pageNo: number) => Promise<OffsetPage<T>>, paging: OffsetPaging): AsyncGenerator<T[]> {
  for (let read = 1; ; read++) {
    const probe = await fetchPage(paging.firstPage);
    if (probe.total <= paging.pageSize) {
      yield probe.items;
      return;
    }
    let lastTotal = probe.total;
    const pages = Math.ceil(probe.total / paging.pageSize);
    for (let pageNo = paging.firstPage + pages - 1; pageNo >= paging.firstPage; pageNo--) {
      const page = await fetchPage(pageNo);
      lastTotal = page.total;
      yield page.items;
    }
    if (lastTotal <= probe.total) return;
    if (read >= MAX_REREADS) {
      throw new PlatformResponseError(paging.channel, paging.call, `orders kept arriving late in a past window (total ${probe.total} -> ${lastTotal}) while it was read ${read} times`);
    }
  }
}

/**
 * Reads every page of a listing that does not change while it is read (orders created on a past
 * day), first page first, and returns its items and the platform's total.
 */
export async function allPages<T>(fetchPage: (pageNo: number) => Promise<OffsetPage<T>>, paging: OffsetPaging): Promise<OffsetPage<T>> {
  const first = await fetchPage(paging.firstPage);
  const items = [...first.items];
  const pages = Math.ceil(first.total / paging.pageSize);
  for (let pageNo = paging.firstPage + 1; pageNo < paging.firstPage + pages; pageNo++) {
    items.push(...(await fetchPage(pageNo)).items);
  }
  return { items, total: first.total };
}
