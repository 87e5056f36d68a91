import { describe, expect, it } from 'vitest';
import { parsePayload } from './payload-json.ts';

describe('parsePayload', () => {
  it("keeps a 64-bit id's every digit (Shopify's sample orders/create id) and leaves other numbers numbers", () => {
    expect(parsePayload('{"id":820982911946154508,"line_items":[{"id":866550311766439020,"quantity":2,"price":1.5}]}')).toEqual({
      id: '820982911946154508',
      line_items: [{ id: '866550311766439020', quantity: 2, price: 1.5 }],
    });
  });

  it('reads a payload without long numbers exactly as JSON.parse does', () => {
    const text = '{"id":5000000005,"total":"884.80","n":-3,"x":[1e3,0.1,null,true]}';
    expect(parsePayload(text)).toEqual(JSON.parse(text));
  });

  it('throws a SyntaxError for text that is not JSON, on both paths', () => {
    expect(() => parsePayload('{"id":1')).toThrow(SyntaxError);
    expect(() => parsePayload('{"id":820982911946154508')).toThrow(SyntaxError);
  });
});
