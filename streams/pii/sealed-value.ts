import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { PiiKeyring } from './keyring.ts';

const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^([a-z0-9]{1,16}):([A-Za-z0-9+/]+={0,2})$/;

/** A sealed value that cannot be opened: unknown key id, wrong key, tampered or not sealed at all. */
export class PiiError extends Error {
  readonly code = 'PII';
  override name = 'PiiError';
}

/**
 * Encrypts one piece of personal data (a phone, a name, an address) with the keyring's current
 * key: AES-256-GCM, a fresh 96-bit IV each time, the key id in front so keys can rotate and the
 * key id bound in as associated data. The empty string stays empty (there is nothing to hide).
 *
 * @example
 * sealPii('13800000000', keyring) // 'k1:3q2+7w...' (different every call)
 */
export function sealPii(value: string, keyring: PiiKeyring): string {
  return value === '' ? '' : sealBytes(Buffer.from(value, 'utf8'), keyring);
}

/** {@link sealPii} of bytes (a whole message body, say), which need not be text. */
export function sealBytes(value: Uint8Array, keyring: PiiKeyring): string {
  const key = keyring.keys.get(keyring.currentId);
  if (!key) throw new PiiError(`PII keyring: current key ${keyring.currentId} is missing`);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(CIPHER, key, iv);
  cipher.setAAD(Buffer.from(keyring.currentId));
  const body = Buffer.concat([cipher.update(value), cipher.final()]);
  return `${keyring.currentId}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
}

/**
 * Decrypts a value of {@link sealPii} with the key its id names (so a value sealed under a key
 * since rotated away from still opens while that key is in the keyring). Throws a PiiError
 * naming the key id when the key is unknown or the value was changed.
 *
 * @example
 * openPii(sealPii('13800000000', keyring), keyring) // '13800000000'
 */
export function openPii(sealed: string, keyring: PiiKeyring): string {
  return sealed === '' ? '' : openBytes(sealed, keyring).toString('utf8');
}

/** {@link openPii} to bytes: the inverse of {@link sealBytes}. */
export function openBytes(sealed: string, keyring: PiiKeyring): Buffer {
  const match = SEALED.exec(sealed);
  if (!match) throw new PiiError('sealed value: not of the form KEYID:BASE64');
  const [, keyId = '', data = ''] = match;
  const key = keyring.keys.get(keyId);
  if (!key) throw new PiiError(`sealed value: key ${keyId} is not in the PII keyring (ORDERSURGE_PII_KEY or the key file)`);
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new PiiError(`sealed value under key ${keyId}: too short`);
  const decipher = createDecipheriv(CIPHER, key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(keyId));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new PiiError(`sealed value under key ${keyId}: does not authenticate (changed, or sealed under another key of that id)`);
  }
}

/** Whether a string has the form of a sealed value (or is empty): what may be stored. */
export function isSealedOrEmpty(value: string): boolean {
  return value === '' || SEALED.test(value);
}
