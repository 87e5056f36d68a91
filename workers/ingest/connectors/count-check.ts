import type { Db } from '../../../sql/database.ts';
import { externalIdsPlaced, externalIdsPlacedInShop } from '../../../sql/queries/orders.ts';
import type { Channel } from '../../../streams/canonical-order.ts';
import type { ChinaDay } from './china-clock.ts';
import type { DailyOrders, PlatformApi } from './platform-api.ts';

/** One channel's day: what the platform has against what reached the `orders` table. */
export interface ChannelDayCount {
  channel: Channel;
  /** The shop account compared, when the check was made per shop (`--shops`). */
  shop?: string;
  /** Orders the platform has that were created that day. */
  platform: number;
  /** Orders of the channel in Postgres placed that day. */
  ingested: number;
  /** Platform ids we do not have; undefined when the platform only counts. */
  missing: string[] | undefined;
  /** Our ids the platform does not list (a test order, another shop's order); undefined likewise. */
  extra: string[] | undefined;
  /** Counts equal and, where ids are known, no id missing or extra. */
  ok: boolean;
}

/**
 * Compares a platform's day with ours. Pure: ids decide when the platform lists them, counts
 * alone when it does not.
 *
 * @example
 * compareDay('jd', { count: 3, externalIds: ['1', '2', '3'] }, ['1', '3'])
 * // { channel: 'jd', platform: 3, ingested: 2, missing: ['2'], extra: [], ok: false }
 */
export function compareDay(channel: Channel, platform: DailyOrders, ingestedIds: readonly string[]): ChannelDayCount {
  if (platform.externalIds === undefined) {
    return { channel, platform: platform.count, ingested: ingestedIds.length, missing: undefined, extra: undefined, ok: platform.count === ingestedIds.length };
  }
  const ours = new Set(ingestedIds);
  const theirs = new Set(platform.externalIds);
  const missing = [...theirs].filter((id) => !ours.has(id)).sort();
  const extra = [...ours].filter((id) => !theirs.has(id)).sort();
  return {
    channel,
    platform: platform.count,
    ingested: ingestedIds.length,
    missing,
    extra,
    ok: missing.length === 0 && extra.length === 0 && platform.count === ingestedIds.length,
  };
}

/** External ids of `channel`'s orders placed on `day` (China time) that reached Postgres. */
export async function ingestedOnDay(db: Db, channel: Channel, day: ChinaDay): Promise<string[]> {
  return externalIdsPlaced(db, channel, day.startMs, day.endMs);
}

/**
 * The daily count check per shop account: each shop's platform day against the orders carrying
 * that shop, so two stores of one platform are checked apart.
 */
export async function checkShopDailyCounts(db: Db, shops: readonly { code: string; api: PlatformApi }[], day: ChinaDay, signal: AbortSignal): Promise<ChannelDayCount[]> {
  const results: ChannelDayCount[] = [];
  for (const { code, api } of shops) {
    const daily = await api.ordersCreated(day, signal);
    results.push({ ...compareDay(api.channel, daily, await externalIdsPlacedInShop(db, code, day.startMs, day.endMs)), shop: code });
  }
  return results;
}

/**
 * The daily count check: for each platform, its count (and ids) of the day's orders against the
 * orders ingested. Several accounts of one channel are added up, since orders do not record the
 * account they came from.
 */
export async function checkDailyCounts(db: Db, apis: readonly PlatformApi[], day: ChinaDay, signal: AbortSignal): Promise<ChannelDayCount[]> {
  const byChannel = new Map<Channel, DailyOrders>();
  for (const api of apis) {
    const daily = await api.ordersCreated(day, signal);
    const known = byChannel.get(api.channel);
    byChannel.set(
      api.channel,
      known
        ? { count: known.count + daily.count, externalIds: known.externalIds && daily.externalIds ? [...known.externalIds, ...daily.externalIds] : undefined }
        : daily,
    );
  }
  const results: ChannelDayCount[] = [];
  for (const [channel, daily] of byChannel) results.push(compareDay(channel, daily, await ingestedOnDay(db, channel, day)));
  return results;
}
