import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { formatStatus, type StatusView } from './status.ts';

describe('status for people', () => {
  it('keeps every line within 80 columns: orders and exceptions wrapped whole, a failing connector cut', () => {
    const view = {
      namespace: 'ordersurge',
      natsVersion: '2.9.10',
      exceptions: { backorder: 41, payment_mismatch: 12, bad_address: 9, waybill_rejected: 7, cancel_after_waybill: 2, address_change_after_waybill: 1 },
      snapshot: {
        at: new Date('2026-11-10T16:00:07Z'),
        stages: [{ stage: 'ingest', pending: 12, ackPending: 3, oldestAgeMs: 1500, redelivered: 0, deadLetters: 0, criticality: 'core' }],
        orders: { awaiting_payment: 1200, received: 35, priced: 20, routed: 14, waybilled: 29, notified: 120_001, exception: 72, cancelled: 310 },
        connectors: [{ channel: 'tmall', shop: 'flagship', cursorAt: new Date('2026-11-10T16:00:00Z'), published: 5000, failures: 3, consecutiveFailures: 3, lastError: '淘宝开放平台 isv.invalid-signature: 签名无效, please check the app secret of this shop account' }],
      },
    } as unknown as StatusView;
    const lines = formatStatus(view).split('\n');
    for (const line of lines) expect(stringWidth(line), line).toBeLessThanOrEqual(80);
    const text = lines.join(' ');
    expect(text).toContain('cancelled 310');
    expect(text).toContain('address_change_after_waybill 1');
    expect(lines.find((l) => l.startsWith('  tmall/flagship'))).toMatch(/^ {2}tmall\/flagship: cursor 11-11 00:00:00 \+08:00, 5000 in, 3 failed polls, FAIL.*…$/);
  });
});
