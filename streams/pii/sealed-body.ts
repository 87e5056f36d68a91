import type { PiiKeyring } from './keyring.ts';
import { openBytes, sealBytes } from './sealed-value.ts';

// Not JSON (no JSON text starts with a letter other than t, f, n), so it is told from a payload at once.
const PREFIX = 'sealed:';
const PREFIX_BYTES = new TextEncoder().encode(PREFIX);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Whether a message body is a {@link sealBody} envelope. */
export function isSealedBody(data: Uint8Array): boolean {
  return data.byteLength > PREFIX_BYTES.byteLength && PREFIX_BYTES.every((b, i) => data[i] === b);
}

/**
 * A whole message body sealed (AES-256-GCM under the keyring's current key, `sealed:KEYID:BASE64`):
 * how a raw platform payload, which holds the buyer's name, phone and address in clear, is kept
 * where it must wait, such as ingest's dead letters. A body sealed already is returned as it is.
 *
 * @example
 * const kept = sealBody(msg.data, keyring); // 'sealed:k1:...'
 * openBody(kept, keyring)                   // msg.data again, byte for byte
 */
export function sealBody(data: Uint8Array, keyring: PiiKeyring): Uint8Array {
  return isSealedBody(data) ? data : encoder.encode(PREFIX + sealBytes(data, keyring));
}

/** The body a {@link sealBody} envelope holds; throws a PiiError when it does not open. */
export function openBody(data: Uint8Array, keyring: PiiKeyring): Uint8Array {
  return openBytes(decoder.decode(data.subarray(PREFIX_BYTES.byteLength)), keyring);
}
