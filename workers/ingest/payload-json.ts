import { isSafeNumber, parse } from 'lossless-json';

// A JSON number of 16 or more digits may not survive as a double (2^53 has 16 digits). Any such
// run outside a string takes the lossless parser; the rest (nearly every payload) keeps the
// native one, which is several times faster.
const LONG_NUMBER = /[:[,]\s*-?\d{16}/;

/**
 * Parses a platform payload without rounding any number: a number a double cannot hold exactly
 * (Shopify's 64-bit `id`, `line_items[].id`, `customer.id`, such as 820982911946154508) becomes
 * the string of its digits, every other number stays a number. JSON.parse would read
 * 820982911946154508 as 820982911946154500, a different order.
 *
 * Throws a SyntaxError for text that is not JSON, as JSON.parse does.
 *
 * @example
 * parsePayload('{"id":820982911946154508,"total":"1.00"}') // { id: '820982911946154508', total: '1.00' }
 */
export function parsePayload(text: string): unknown {
  if (!LONG_NUMBER.test(text)) return JSON.parse(text) as unknown;
  try {
    return parse(text, null, (digits) => (isSafeNumber(digits) ? Number(digits) : digits));
  } catch (error) {
    // lossless-json throws a plain Error; callers tell bad JSON from other failures by SyntaxError.
    throw new SyntaxError(error instanceof Error ? error.message : String(error));
  }
}
