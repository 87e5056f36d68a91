import { describe, expect, it } from 'vitest';
import { cell } from './text-cell.ts';

describe('table cells', () => {
  it('keeps short text whole and padded, and shortens long text in the middle to the exact width', () => {
    expect(cell('shop:1', 10)).toBe('shop:1    ');
    expect(cell('12.50', 8, 'right')).toBe('   12.50');
    const id = 'douyin:6912345678901234567';
    expect(cell(id, 20)).toBe('douyin:691…901234567');
    expect(cell(id, 20)).toHaveLength(20);
    expect(cell(id, 19)).toHaveLength(19);
  });
});
