import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { formatStatus, statusJson, type StatusView } from './status.ts';

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
        connectors: [],
        shops: [
          { channel: 'tmall', shop: 'flagship', registered: true, cursorAt: new Date('2026-11-10T16:00:00Z'), lastAdvancedAt: new Date('2026-11-10T15:57:52Z'), published: 5000, failures: 3, consecutiveFailures: 3, lastError: '淘宝开放平台 isv.invalid-signature: 签名无效, please check the app secret of this shop account', reauthorise: null },
        ],
      },
    } as unknown as StatusView;
    const lines = formatStatus(view).split('\n');
    for (const line of lines) expect(stringWidth(line), line).toBeLessThanOrEqual(80);
    const text = lines.join(' ');
    expect(text).toContain('cancelled 310');
    expect(text).toContain('address_change_after_waybill 1');
    expect(lines.find((l) => l.startsWith('  tmall/flagship'))).toMatch(/^ {2}tmall\/flagship: FAILING x3, cursor 11-11 00:00:00 \(2m15s ago\), 5000 in: 淘.*…$/);
    expect(text).not.toContain('re-authorise');
  });

  it('lists the shops whose token refresh failed, with how long ago their cursor last advanced', () => {
    const at = new Date('2026-12-07T09:00:00Z');
    const view = {
      namespace: 'ordersurge',
      natsVersion: '2.9.10',
      exceptions: {},
      snapshot: {
        at,
        stages: [],
        orders: {},
        connectors: [],
        shops: [
          { channel: 'jd', shop: 'jd-main', registered: true, cursorAt: new Date('2026-12-07T08:59:50Z'), lastAdvancedAt: new Date('2026-12-07T08:59:55Z'), published: 40, failures: 0, consecutiveFailures: 0, lastError: null, reauthorise: null },
          { channel: 'jd', shop: 'jd-outlet', registered: true, cursorAt: new Date('2026-12-07T06:55:00Z'), lastAdvancedAt: new Date('2026-12-07T06:55:00Z'), published: 12, failures: 9, consecutiveFailures: 9, lastError: 'token refresh failed', reauthorise: { since: new Date('2026-12-07T07:00:00Z'), error: 'token refresh failed: JD 19: 令牌无效' } },
          { channel: 'tmall', shop: 'tmall-new', registered: true, cursorAt: null, lastAdvancedAt: null, published: 0, failures: 0, consecutiveFailures: 0, lastError: null, reauthorise: null },
          { channel: 'tmall', shop: 'tmall-stuck', registered: true, cursorAt: new Date('2026-12-06T09:00:00Z'), lastAdvancedAt: null, published: 0, failures: 2, consecutiveFailures: 2, lastError: 'token refresh failed', reauthorise: { since: new Date('2026-12-07T08:59:00Z'), error: 'token refresh failed: HTTP 401' } },
        ],
      },
    } as unknown as StatusView;
    const lines = formatStatus(view).split('\n');
    for (const line of lines) expect(stringWidth(line), line).toBeLessThanOrEqual(80);
    expect(lines).toContain('  tmall/tmall-new: not polled yet');
    expect(lines).toContain('  jd/jd-main: ok, cursor 12-07 16:59:50 (5s ago), 40 in, 0 failed polls');
    expect(lines.find((l) => l.startsWith('  jd/jd-outlet:'))).toMatch(/^ {2}jd\/jd-outlet: RE-AUTHORISE, cursor 12-07 14:55:00 \(2h05m ago\), 12 in: token/);
    expect(lines.find((l) => l.startsWith('  tmall/tmall-stuck: RE-AUTHORISE'))).toMatch(/^ {2}tmall\/tmall-stuck: RE-AUTHORISE, cursor 12-06 17:00:00 \(never moved\), 0 in: /);
    expect(lines).toContain('  tmall/tmall-stuck: since 1m00s ago, cursor never moved: HTTP 401');
    const header = lines.indexOf('shops to re-authorise (2; token refresh failed, no orders come in):');
    expect(header).toBeGreaterThan(0);
    expect(lines[header + 1]).toBe('  jd/jd-outlet: since 2h00m ago, cursor moved 2h05m ago: JD 19: 令牌无效');
    const json = statusJson(view);
    expect(json.reauthorise).toEqual([expect.objectContaining({ shop: 'jd-outlet', lastAdvancedAt: '2026-12-07T14:55:00.000+08:00', reauthorise: { since: '2026-12-07T15:00:00.000+08:00', error: 'token refresh failed: JD 19: 令牌无效' } }), expect.objectContaining({ shop: 'tmall-stuck', lastAdvancedAt: null })]);
    expect(json.shops.map((s) => s.shop)).toEqual(['jd-main', 'jd-outlet', 'tmall-new', 'tmall-stuck']);
  });
  it("shows each shop's after-sale poller under its order connector's row, compact, and in --json", () => {
    const at = new Date('2026-12-07T09:00:00Z');
    const view = {
      namespace: 'ordersurge',
      natsVersion: '2.9.10',
      exceptions: {},
      snapshot: {
        at,
        stages: [],
        orders: {},
        connectors: [],
        shops: [
          { channel: 'jd', shop: 'jd-main', registered: true, cursorAt: new Date('2026-12-07T08:59:50Z'), lastAdvancedAt: new Date('2026-12-07T08:59:55Z'), published: 40, failures: 0, consecutiveFailures: 0, lastError: null, reauthorise: null },
          { channel: 'tmall', shop: 'tmall-new', registered: true, cursorAt: null, lastAdvancedAt: null, published: 0, failures: 0, consecutiveFailures: 0, lastError: null, reauthorise: null },
        ],
      },
      aftersales: [
        { channel: 'jd', shop: 'jd-main', cursorAt: new Date('2026-12-07T08:59:40Z'), lastAdvancedAt: new Date('2026-12-07T08:59:45Z'), applied: 12, pending: 1, failures: 2, consecutiveFailures: 0, lastError: 'HTTP 503' },
        { channel: 'pdd', shop: 'pdd-x', cursorAt: new Date('2026-12-07T08:00:00Z'), lastAdvancedAt: null, applied: 0, pending: 0, failures: 7, consecutiveFailures: 7, lastError: '拼多多 HTTP 503: the after-sale API of this shop answers Service Unavailable again and again' },
      ],
    } as unknown as StatusView;
    const lines = formatStatus(view).split('\n');
    for (const line of lines) expect(stringWidth(line), line).toBeLessThanOrEqual(80);
    const jd = lines.indexOf('  jd/jd-main: ok, cursor 12-07 16:59:50 (5s ago), 40 in, 0 failed polls');
    expect(lines[jd + 1]).toBe('    after-sales: ok, 12-07 16:59:40 (15s ago), 12 applied, 1 pending');
    // A shop that has not polled after-sales has no line for them.
    const tmall = lines.indexOf('  tmall/tmall-new: not polled yet');
    expect(lines[tmall + 1]).toBe('  pdd/pdd-x: after-sales only');
    expect(lines[tmall + 2]).toBe('    after-sales: FAILING x7, 12-07 16:00:00 (never moved), 0 applied, 0 pending');
    expect(lines[tmall + 3]).toMatch(/^ {6}拼多多 HTTP 503: .*…$/);
    const json = statusJson(view);
    expect(json.shops[0]).toMatchObject({ shop: 'jd-main', aftersales: { cursorAt: '2026-12-07T16:59:40.000+08:00', lastAdvancedAt: '2026-12-07T16:59:45.000+08:00', applied: 12, pending: 1, failures: 2, consecutiveFailures: 0 } });
    expect(json.shops[1]).toMatchObject({ shop: 'tmall-new', aftersales: null });
    expect(json.shops[2]).toMatchObject({ channel: 'pdd', shop: 'pdd-x', aftersales: { lastAdvancedAt: null, consecutiveFailures: 7 } });
  });
});
