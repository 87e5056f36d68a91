import { describe, expect, it } from 'vitest';
import { checkPayloads, splitPayloads } from './submit.ts';

describe('splitPayloads', () => {
  it('keeps each JSON line with its line number, skipping blank lines', () => {
    expect(splitPayloads('{"a":1}\n\n{"a":2}\n')).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 3, text: '{"a":2}' },
    ]);
    expect(splitPayloads('{\n "a": 1\n}\n')).toEqual([{ line: 1, text: '{\n "a": 1\n}' }]);
  });
});

describe('checkPayloads', () => {
  it('finds every bad line (malformed or over the limit) before anything is published', () => {
    const big = JSON.stringify({ note: 'x'.repeat(2000) });
    const lines = ['{"a":1}', 'not json', big, '{"a":2}'].join('\n');
    const { good, bad } = checkPayloads(splitPayloads(lines), 1024);
    expect(good.map((g) => g.line)).toEqual([1, 4]);
    expect(bad).toEqual([
      { line: 2, problem: expect.stringMatching(/^not valid JSON \(/) },
      { line: 3, problem: `is ${big.length} bytes, over the maximum payload of 1024 bytes (ORDERSURGE_MAX_PAYLOAD_BYTES)` },
    ]);
  });
});
