const MASK = '*';
const CHINA_MOBILE = /^(?:0{0,2}86)?(1\d{10})$/;
const PHONE_LIKE = /^\+?[\d\s()-]{7,}$/;
// 138****0000 shows seven digits; a "masked" value showing more is not masked enough.
const MAX_SHOWN_DIGITS = 7;

/**
 * The masked form of a phone number, the only form ordersurge stores. A value the platform has
 * already masked (it contains `*` and shows at most seven digits) is kept; anything else keeps at
 * most the first three and last four digits.
 *
 * @example
 * maskPhone('13800000000')       // '138****0000'
 * maskPhone('+86 138 0000 0000') // '138****0000'
 * maskPhone('138****0000')       // '138****0000'
 * maskPhone('010-62345678')      // '010****5678'
 * maskPhone('62345678')          // '****5678'
 */
export function maskPhone(value: string): string {
  // NFKC turns full-width digits (１３８…) into ones \d can see.
  const text = value.trim().normalize('NFKC');
  const digits = text.replace(/\D/g, '');
  if (text === '' || (text.includes(MASK) && digits.length <= MAX_SHOWN_DIGITS)) return text;
  const number = CHINA_MOBILE.exec(digits)?.[1] ?? digits;
  if (number.length >= 11) return number.slice(0, 3) + MASK.repeat(number.length - 7) + number.slice(-4);
  // A short (local) number would be nearly all revealed by the 3+4 rule.
  if (number.length >= 7) return MASK.repeat(number.length - 4) + number.slice(-4);
  return MASK.repeat(number.length);
}

// A Chinese mobile number inside any text (not a piece of a longer digit run such as an order id).
const MOBILE_IN_TEXT = /(?<![\d])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d){8}(?![\d])/g;

/**
 * Free text (a dead letter's reason, a log line) with every mobile number in it masked.
 *
 * @example
 * maskPhonesIn('phone: must be text, got 13800000000') // 'phone: must be text, got 138****0000'
 */
export function maskPhonesIn(text: string): string {
  return text.replace(MOBILE_IN_TEXT, maskPhone);
}

/** Whether a value (say a buyer nick) is really a phone number and must be masked. */
export function looksLikePhone(value: string): boolean {
  return PHONE_LIKE.test(value) && value.replace(/\D/g, '').length >= 7;
}

/** A buyer nick or id as stored: masked when the platform used the buyer's phone number as the nick. */
export function maskIfPhone(value: string): string {
  return looksLikePhone(value) ? maskPhone(value) : value;
}
