import type { Channel } from '../../../streams/canonical-order.ts';
import type { ChinaDay } from './china-clock.ts';

/** A span of modified times, both ends included, in whole seconds (what platform APIs filter by). */
export interface TimeWindow {
  fromMs: number;
  toMs: number;
}

/** What a platform says of one China-time day, for the daily count check. */
export interface DailyOrders {
  /** Orders the platform has that were created that day. */
  count: number;
  /** Their external ids, when the API can list them; undefined when it only counts. */
  externalIds: string[] | undefined;
}

/**
 * One platform's order API as a connector needs it. Each platform module knows its paths, its
 * parameter and field names and its paging; the pull connector knows none of them.
 */
export interface PlatformApi {
  readonly channel: Channel;
  /** The longest window one listing may span (TOP: a day; Pinduoduo: 30 minutes). */
  readonly maxWindowMs: number;
  /**
   * Every order modified within `window`, as raw payloads in the platform's own format, a page
   * at a time. A page is yielded only once fetched, so the caller can publish it before the
   * next call; an error ends the iteration and fails the poll.
   */
  ordersModified(window: TimeWindow, signal: AbortSignal): AsyncIterable<unknown[]>;
  /** The platform's count (and, where it can list them, ids) of the orders created on `day`. */
  ordersCreated(day: ChinaDay, signal: AbortSignal): Promise<DailyOrders>;
  /**
   * Every after-sale (refund, service order) record modified within `window`, raw in the
   * platform's format, a page at a time, like `ordersModified`; absent where the platform has no
   * after-sale API (the tills).
   */
  aftersalesModified?(window: TimeWindow, signal: AbortSignal): AsyncIterable<unknown[]>;
}
