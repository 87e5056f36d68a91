import type { Address } from '../streams/canonical-order.ts';
import { maskName, maskStreet } from '../streams/pii/mask.ts';
import { looksLikePhone, maskPhone, maskPhonesIn } from '../workers/ingest/adapters/phone.ts';

// Keys under which platforms put a person's name or street address (and ours, for the canonical order).
const NAME_KEYS = new Set(['receiver', 'receiver_name', 'receiver_name_mask', 'fullname', 'mask_post_receiver', 'name', 'first_name', 'last_name']);
const STREET_KEYS = new Set(['detail', 'street', 'address', 'address1', 'address2', 'receiver_address', 'receiver_town', 'fullAddress', 'encrypt_detail']);
// `name` is a person only inside an address (Shopify's order `name` is "#1001").
const ADDRESS_PARENTS = /address|delivery|consignee|customer|post_addr/i;
const PHONE_KEYS = /phone|mobile|tel/i;

/** An address as views show it: phone and name masked, the street cut short, the sealed contact left out. */
export function shownAddress(address: Address): Omit<Address, 'contact'> {
  const { contact: _sealed, ...shown } = address;
  return { ...shown, receiver: maskName(shown.receiver), phone: maskPhone(shown.phone), detail: maskStreet(shown.detail), street: shown.street };
}

/**
 * A message payload (a raw platform payload or a canonical order, as a dead letter keeps it) as
 * `dlq list` prints it: phone numbers masked (under a phone key, or a mobile number in any text), names and street addresses under
 * the keys platforms use for them masked, the sealed contact left out. Text that is not JSON has
 * its mobile numbers masked.
 *
 * @example
 * maskedPayload('{"shipping_address":{"name":"林伟","phone":"13800000000"}}')
 * // '{"shipping_address":{"name":"林*","phone":"138****0000"}}'
 */
export function maskedPayload(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return maskPhonesIn(text);
  }
  return JSON.stringify(mask(value, ''));
}

function mask(value: unknown, parent: string): unknown {
  if (Array.isArray(value)) return value.map((v) => mask(v, parent));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'contact') continue;
    if (typeof v !== 'string') out[key] = mask(v, key);
    else if (NAME_KEYS.has(key) && (key !== 'name' || ADDRESS_PARENTS.test(parent))) out[key] = maskName(v);
    else if (STREET_KEYS.has(key)) out[key] = maskStreet(v);
    else if (PHONE_KEYS.test(key) && looksLikePhone(v)) out[key] = maskPhone(v);
    else out[key] = maskPhonesIn(v);
  }
  return out;
}
