import type { Channel } from '../../../streams/canonical-order.ts';
import { normalizeDouyinAftersale } from './douyin-aftersale.ts';
import { normalizeJdServiceOrder } from './jd-service-order.ts';
import { normalizePddRefund } from './pdd-refund.ts';
import type { PlatformTicketResult } from './platform-ticket.ts';
import { normalizeShopRefund } from './shop-refund.ts';
import { normalizeTmallRefund } from './tmall-refund.ts';

/**
 * Reads one after-sale record of `channel`'s platform, pure: the ticket it asks for, or every
 * field error. The tills have no after-sale feed (an in-store return is an operator's ticket):
 * their records are refused.
 */
export function normalizeAftersale(channel: Channel, payload: unknown): PlatformTicketResult {
  switch (channel) {
    case 'tmall':
      return normalizeTmallRefund(payload);
    case 'jd':
      return normalizeJdServiceOrder(payload);
    case 'douyin':
      return normalizeDouyinAftersale(payload);
    case 'pdd':
      return normalizePddRefund(payload);
    case 'shop':
      return normalizeShopRefund(payload);
    case 'pos':
      return { ok: false, errors: [{ path: '', message: `${channel} has no after-sale records to read` }] };
    default: {
      const never: never = channel;
      throw new Error(`no after-sale format for channel ${String(never)}`);
    }
  }
}
