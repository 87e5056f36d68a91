import type { Channel, ChannelAdapter } from '../../../streams/canonical-order.ts';
import { normalizeDouyin } from './douyin.ts';
import { normalizeJd } from './jd.ts';
import { normalizePdd } from './pdd.ts';
import { normalizePos } from './pos.ts';
import { normalizeShop } from './shop.ts';
import { normalizeTmall } from './tmall.ts';

/** The adapter of every channel. */
export const ADAPTERS: Readonly<Record<Channel, ChannelAdapter>> = {
  tmall: normalizeTmall,
  jd: normalizeJd,
  douyin: normalizeDouyin,
  pdd: normalizePdd,
  shop: normalizeShop,
  pos: normalizePos,
};

/**
 * The adapter that normalizes payloads of `channel`.
 *
 * @example
 * const result = adapterFor('shop')(JSON.parse(body));
 */
export function adapterFor(channel: Channel): ChannelAdapter {
  return ADAPTERS[channel];
}
