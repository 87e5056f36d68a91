import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parsePiiKeyring } from './keyring.ts';
import { isSealedOrEmpty, openPii, PiiError, sealPii } from './sealed-value.ts';

const key = (): string => randomBytes(32).toString('base64');
const k1 = key();
const k2 = key();

describe('sealPii / openPii', () => {
  const ring = parsePiiKeyring(`k1:${k1}`, 'test');

  it('round-trips, under the key id, never showing the value, differently each time', () => {
    const sealed = sealPii('13800001234', ring);
    expect(sealed).toMatch(/^k1:[A-Za-z0-9+/]+=*$/);
    expect(sealed).not.toContain('13800001234');
    expect(sealPii('13800001234', ring)).not.toBe(sealed);
    expect(openPii(sealed, ring)).toBe('13800001234');
    expect(openPii(sealPii('林伟 星湖街 328 号 🏠', ring), ring)).toBe('林伟 星湖街 328 号 🏠');
    expect(isSealedOrEmpty(sealed)).toBe(true);
    expect(isSealedOrEmpty('13800001234')).toBe(false);
  });

  it('keeps the empty string empty', () => {
    expect(sealPii('', ring)).toBe('');
    expect(openPii('', ring)).toBe('');
  });

  it('refuses a changed value: any flipped byte, or a key id swapped in front', () => {
    const sealed = sealPii('13800001234', ring);
    const bytes = Buffer.from(sealed.slice(3), 'base64');
    for (const at of [0, 12, 28, bytes.length - 1]) {
      const tampered = Buffer.from(bytes);
      tampered[at]! ^= 1;
      expect(() => openPii(`k1:${tampered.toString('base64')}`, ring)).toThrow(/does not authenticate/);
    }
    const both = parsePiiKeyring(`k1:${k1},k9:${k1}`, 'test');
    expect(() => openPii(sealed.replace(/^k1:/, 'k9:'), both)).toThrow(PiiError);
    expect(() => openPii('13800001234', ring)).toThrow(/KEYID:BASE64/);
  });

  it('names the key id it does not have, and a wrong key under the right id does not open', () => {
    const sealed = sealPii('13800001234', parsePiiKeyring(`k2:${k2}`, 'test'));
    expect(() => openPii(sealed, ring)).toThrow(/key k2 is not in the PII keyring/);
    expect(() => openPii(sealed, parsePiiKeyring(`k2:${k1}`, 'test'))).toThrow(/does not authenticate/);
  });

  it('rotates: the new first key seals, a value sealed under the old one still opens', () => {
    const old = sealPii('13800001234', ring);
    const rotated = parsePiiKeyring(`k2:${k2}\nk1:${k1}`, 'test');
    const fresh = sealPii('13900005678', rotated);
    expect(fresh.startsWith('k2:')).toBe(true);
    expect(openPii(old, rotated)).toBe('13800001234');
    expect(openPii(fresh, rotated)).toBe('13900005678');
    expect(() => openPii(fresh, ring)).toThrow(/key k2/);
  });
});

describe('parsePiiKeyring', () => {
  it('reads a bare key as k1 and names what is wrong', () => {
    expect(parsePiiKeyring(k1, 'X').currentId).toBe('k1');
    expect(() => parsePiiKeyring('', 'X')).toThrow('X: holds no key');
    expect(() => parsePiiKeyring(`k1:${randomBytes(16).toString('base64')}`, 'X')).toThrow('X: key k1 must be 32 bytes in base64, got 16 bytes');
    expect(() => parsePiiKeyring(`K 1:${k1}`, 'X')).toThrow(/key id "K 1"/);
    expect(() => parsePiiKeyring(`k1:${k1},k1:${k2}`, 'X')).toThrow('X: key id k1 appears twice');
  });
});
