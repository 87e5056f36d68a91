import type { CanonicalOrder, Contact, NormalizeResult } from '../canonical-order.ts';
import { contactFingerprint } from './fingerprint.ts';
import type { PiiKeyring } from './keyring.ts';
import { maskName, maskStreet } from './mask.ts';
import { sealPii } from './sealed-value.ts';

// A fragment of the street address this short ("1", "A栋") says nothing about the buyer alone.
const MIN_FRAGMENT = 4;
const MIN_PHONE_DIGITS = 7;
const CHINA_MOBILE = /^(?:0{0,2}86)?(1\d{10})$/;

/**
 * The order as it may leave ingest: its contact sealed, with a keyed fingerprint of receiver and
 * street address beside it (what merge and readdress compare); the address's shown receiver and
 * street masked; and, in its raw payload, every string that holds the contact (the receiver, the
 * phone in any spelling, the street address or a part of it) replaced by its sealed form. The
 * adapter's result holds them in clear; nothing else may.
 *
 * @example
 * const result = adapterFor('shop')(payload);
 * publish(sealResult(result, keyring)); // address.contact and raw hold no phone in clear
 */
export function sealResult(result: NormalizeResult, keyring: PiiKeyring): NormalizeResult {
  return result.ok ? { ok: true, order: sealOrder(result.order, keyring) } : result;
}

/** {@link sealResult} of one order. */
export function sealOrder(order: CanonicalOrder, keyring: PiiKeyring): CanonicalOrder {
  const contact = order.address.contact;
  if (!contact) return order;
  const seal = (value: string): string => sealPii(value, keyring);
  const sealed: Contact = {
    receiver: seal(contact.receiver),
    phone: seal(contact.phone),
    street: seal(contact.street),
    detail: seal(contact.detail),
    fingerprint: contactFingerprint(contact, keyring),
  };
  const a = order.address;
  const shown = { ...a, receiver: maskName(a.receiver), street: maskStreet(a.street), detail: maskStreet(a.detail) };
  return { ...order, address: { ...shown, contact: sealed }, raw: sealRaw(order.raw, contact, seal) };
}

/** The raw payload with every string that holds a piece of `contact` sealed. */
function sealRaw(raw: unknown, contact: Contact, seal: (value: string) => string): unknown {
  const whole = new Set([contact.receiver, contact.phone, contact.street, contact.detail].map((v) => v.trim()).filter((v) => v !== ''));
  // The national number, so '+86 138 0013 8000' also finds '13800138000' elsewhere in the payload.
  const digits = contact.phone.replace(/\D/g, '');
  const phoneDigits = CHINA_MOBILE.exec(digits)?.[1] ?? digits;
  const isPersonal = (text: string): boolean => {
    const value = text.trim();
    if (value === '') return false;
    if (whole.has(value)) return true;
    if (phoneDigits.length >= MIN_PHONE_DIGITS && value.replace(/\D/g, '').includes(phoneDigits)) return true;
    // Shopify's address1 and address2 are joined into one detail.
    return value.length >= MIN_FRAGMENT && (contact.detail.includes(value) || contact.street.includes(value));
  };
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return isPersonal(value) ? seal(value) : value;
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  return walk(raw);
}
