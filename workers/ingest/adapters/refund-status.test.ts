import { describe, expect, it } from 'vitest';
import type { RefundStatus } from '../../../streams/canonical-order.ts';
import { orderRefundStatus } from './refund-status.ts';

const line = (refundStatus: RefundStatus, gift = false) => ({ refundStatus, gift });

describe('orderRefundStatus', () => {
  it.each([
    [[line('none'), line('none')], 'none'],
    [[line('refunded'), line('refunded')], 'refunded'],
    [[line('refunded'), line('none')], 'partial'],
    [[line('partial')], 'partial'],
    [[line('refunded'), line('requested')], 'requested'],
    [[line('refunded'), line('none', true)], 'refunded'],
    [[line('refunded', true)], 'refunded'],
  ] as const)('%j -> %s', (lines, expected) => {
    expect(orderRefundStatus(lines)).toBe(expected);
  });
});
