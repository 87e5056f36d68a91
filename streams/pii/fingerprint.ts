import { createHmac, hkdfSync } from 'node:crypto';
import type { PiiKeyring } from './keyring.ts';
import { PiiError } from './sealed-value.ts';

/** The parts of a contact that say who and where: what merge and readdress compare. */
export interface FingerprintParts {
  receiver: string;
  street: string;
  detail: string;
}

const derived = new WeakMap<Buffer, Buffer>();

/** A key of its own for fingerprints, derived (HKDF-SHA256) from a PII key: never the sealing key itself. */
function fingerprintKey(key: Buffer): Buffer {
  let out = derived.get(key);
  if (!out) {
    out = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'ordersurge contact fingerprint v1', 32));
    derived.set(key, out);
  }
  return out;
}

// Spelled differently, the same: full-width and half-width forms, runs of spaces.
const normal = (value: string): string => value.normalize('NFKC').replace(/\s+/g, ' ').trim();

/**
 * A keyed hash (HMAC-SHA256) of the receiver and the street address, so orders can be compared
 * for "same person, same address" (merge, readdress) without either being stored in clear: equal
 * inputs give equal fingerprints, and without the key nothing can be learnt or guessed from one.
 * The key is derived from the keyring's OLDEST key (the last listed): rotating by putting a new
 * key first keeps fingerprints comparable until the old key is dropped. The key id is in front
 * (`k1:HEX`); fingerprints under different key ids cannot be compared.
 *
 * @example
 * contactFingerprint({ receiver: '林伟', street: '', detail: '星湖街 328 号' }, keyring) // 'k1:5be0...'
 */
export function contactFingerprint(parts: FingerprintParts, keyring: PiiKeyring): string {
  const ids = [...keyring.keys.keys()];
  const keyId = ids[ids.length - 1];
  const key = keyId === undefined ? undefined : keyring.keys.get(keyId);
  if (keyId === undefined || !key) throw new PiiError('PII keyring: holds no key');
  const mac = createHmac('sha256', fingerprintKey(key));
  mac.update([parts.receiver, parts.street, parts.detail].map(normal).join('\u0001'));
  return `${keyId}:${mac.digest('hex')}`;
}

/**
 * Whether two fingerprints are of the same receiver and address: true or false when both are
 * under the same key, undefined when that cannot be told (one missing, or keys differ).
 */
export function sameFingerprint(a: string | undefined, b: string | undefined): boolean | undefined {
  if (a === undefined || b === undefined) return undefined;
  const idA = a.slice(0, a.indexOf(':'));
  const idB = b.slice(0, b.indexOf(':'));
  return idA === idB ? a === b : undefined;
}
