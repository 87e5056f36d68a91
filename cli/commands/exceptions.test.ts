import stringWidth from 'string-width';
import { afterEach, describe, expect, it } from 'vitest';
import { setDisplayTimeZone } from '../time-display.ts';
import { formatExceptionList } from './exceptions.ts';

const queue = [
  {
    id: 'pdd:261203-001796284106368',
    channel: 'pdd',
    type: 'address_change_after_waybill',
    detail: 'address changed after the waybill: redirect the parcel to 新疆维吾尔自治区 乌鲁木齐市 天山区 改到 星****** 顾*****',
    since: new Date('2026-11-10T16:00:07Z'),
  },
  { id: 'shop:5012345', channel: 'shop', type: 'backorder', detail: 'no warehouse of region east has SKU TEA-LJ-250 x2', since: new Date('2026-11-10T16:05:00Z') },
];

describe('exceptions list for people', () => {
  afterEach(() => setDisplayTimeZone(undefined));

  it('fits 80 columns: ids shortened, the offset in the header, each detail wrapped whole below its row', () => {
    const lines = formatExceptionList(queue).split('\n');
    expect(lines[0]).toMatch(/^order +type +since \+08:00$/);
    expect(lines[1]).toBe('pdd:261203-0…96284106368  address_change_after_waybill  11-11 00:00:07');
    expect(lines.join('')).toContain('改到 星****** 顾*****');
    expect(lines).toContain('shop:5012345              backorder                     11-11 00:05:00');
    for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(80);
  });

  it('shows times in the zone asked for', () => {
    setDisplayTimeZone('UTC');
    const lines = formatExceptionList(queue).split('\n');
    expect(lines[0]).toMatch(/since \+00:00$/);
    expect(lines).toContain('shop:5012345              backorder                     11-10 16:05:00');
  });

  it('says so when the queue is empty', () => {
    expect(formatExceptionList([])).toBe('no exceptions');
  });
});
