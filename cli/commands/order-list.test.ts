import { describe, expect, it } from 'vitest';
import { formatOrderList, parseSince } from './order.ts';

describe('order list', () => {
  it('prints a table that fits 80 columns: long ids shortened, exceptions by type, yuan, China time', () => {
    const text = formatOrderList([
      { id: 'douyin:6900001796225432571', channel: 'douyin', shop: 'douyin', status: 'exception', exceptionType: 'address_change_after_waybill', exceptionDetail: 'x', paidFen: 1234567, placedAt: new Date(0), modifiedAt: new Date('2026-11-10T16:00:07Z') },
      { id: 'shop:1', channel: 'shop', shop: 'shop', status: 'awaiting_payment', exceptionType: null, exceptionDetail: null, paidFen: 5, placedAt: new Date(0), modifiedAt: new Date('2026-11-10T16:00:07Z') },
    ]);
    const lines = text.split('\n');
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(lines[0]).toContain('changed +08:00');
    expect(lines[1]).toMatch(/^douyin:690…\d+ +!address_change_after_waybill +12345\.67 +11-11 00:00:07$/);
    expect(lines[2]).toMatch(/^shop:1 +awaiting_payment +0\.05 +11-11 00:00:07$/);
  });

  it('reads --since as a duration back from now or a time with its offset, and nothing else', () => {
    const now = new Date('2026-11-11T00:00:00Z');
    expect(parseSince('30m', now).toISOString()).toBe('2026-11-10T23:30:00.000Z');
    expect(parseSince('1d', now).toISOString()).toBe('2026-11-10T00:00:00.000Z');
    expect(parseSince('2026-11-11T00:00:00+08:00').toISOString()).toBe('2026-11-10T16:00:00.000Z');
    expect(() => parseSince('2026-11-11T00:00:00')).toThrow('--since: expected a duration');
    expect(() => parseSince('yesterday')).toThrow('--since');
  });
});
