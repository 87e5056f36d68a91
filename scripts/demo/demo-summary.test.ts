import { describe, expect, it } from 'vitest';
import { formatDemoSummary } from './demo-summary.ts';

describe('the demo summary', () => {
  it('accounts for every order: notified, awaiting payment, cancelled, exceptions by type and in flight add up to the orders in', () => {
    const text = formatDemoSummary({
      seconds: 10,
      published: 130,
      orders: { notified: 100, awaiting_payment: 6, cancelled: 2, exception: 5, received: 1, priced: 2, routed: 0, waybilled: 4 },
      exceptions: { backorder: 3, payment_mismatch: 2 },
      metricsUrls: ['http://127.0.0.1:9464/metrics'],
    });
    expect(text).toContain('ran 10.0 s: 120 orders in (130 payloads published');
    expect(text).toMatch(/notified +100 +10\.0 orders\/s/);
    expect(text).toMatch(/awaiting payment +6/);
    expect(text).toMatch(/exceptions +5 +backorder 3, payment_mismatch 2/);
    expect(text).toMatch(/still in flight +7 +received 1, priced 2, waybilled 4/);
    expect(text).toContain('metrics: http://127.0.0.1:9464/metrics');
  });
});
