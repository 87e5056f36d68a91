import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { cell, fitLine, wrapLines } from './text-cell.ts';

describe('table cells', () => {
  it('keeps short text whole and padded, and shortens long text in the middle to the exact width', () => {
    expect(cell('shop:1', 10)).toBe('shop:1    ');
    expect(cell('12.50', 8, 'right')).toBe('   12.50');
    const id = 'douyin:6912345678901234567';
    expect(cell(id, 20)).toBe('douyin:691…901234567');
    expect(cell(id, 20)).toHaveLength(20);
    expect(cell(id, 19)).toHaveLength(19);
  });

  it('counts a Chinese character as the two columns a terminal gives it', () => {
    expect(cell('白瓷盖碗', 10)).toBe('白瓷盖碗  ');
    const title = cell('云南普洱饼 357g 礼盒装', 12);
    expect(stringWidth(title)).toBe(12);
    expect(title).toContain('…');
  });
});

describe('lines', () => {
  it('cuts a line at the width with an ellipsis, counting wide characters twice', () => {
    const detail = 'address changed after the waybill: redirect the parcel to 新疆维吾尔自治区 乌鲁木齐市 天山区';
    expect(fitLine('short')).toBe('short');
    expect(stringWidth(fitLine(detail, 80))).toBeLessThanOrEqual(80);
    expect(fitLine(detail, 80).endsWith('…')).toBe(true);
    expect(fitLine(detail, 40)).toBe('address changed after the waybill: redi…');
  });

  it('wraps at words, each line within the width including its indent', () => {
    expect(wrapLines('6 orders needed manual handling, 469 received', 30, '      ')).toEqual(['      6 orders needed manual', '      handling, 469 received']);
    const lines = wrapLines('5 of 5 SKUs: reserved counter equals held reservations, as of now; platforms\' listed counts are not synced yet', 80, '      ');
    expect(lines.length).toBe(2);
    for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(80);
  });
});
