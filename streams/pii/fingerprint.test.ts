import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contactFingerprint, sameFingerprint } from './fingerprint.ts';
import { parsePiiKeyring } from './keyring.ts';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');
const ring = parsePiiKeyring(`k1:${k1}`, 'test');
const lin = { receiver: '林伟', street: '', detail: '星湖街 328 号 2 栋 1201 室' };

describe('contactFingerprint', () => {
  it('is the same for the same receiver and address, spelled with other spaces or full-width digits', () => {
    const print = contactFingerprint(lin, ring);
    expect(print).toMatch(/^k1:[0-9a-f]{64}$/);
    expect(contactFingerprint({ ...lin, detail: ' 星湖街  ３２８ 号 2 栋 1201 室' }, ring)).toBe(print);
  });

  it('differs for another receiver, street or detail, and shows none of them', () => {
    const print = contactFingerprint(lin, ring);
    expect(contactFingerprint({ ...lin, receiver: '林玮' }, ring)).not.toBe(print);
    expect(contactFingerprint({ ...lin, street: '娄葑街道' }, ring)).not.toBe(print);
    expect(contactFingerprint({ ...lin, detail: '星湖街 329 号 2 栋 1201 室' }, ring)).not.toBe(print);
    // Moving text between the parts is another address too.
    expect(contactFingerprint({ receiver: '林伟星湖街', street: '', detail: '328 号 2 栋 1201 室' }, ring)).not.toBe(print);
    for (const clear of ['林伟', '星湖街']) expect(print).not.toContain(clear);
  });

  it('depends on the key: without it, one cannot be made or checked', () => {
    expect(contactFingerprint(lin, parsePiiKeyring(`k1:${k2}`, 'test'))).not.toBe(contactFingerprint(lin, ring));
  });

  it('stays the same when a new key is put first (rotation), under the oldest key', () => {
    const rotated = parsePiiKeyring(`k2:${k2},k1:${k1}`, 'test');
    expect(contactFingerprint(lin, rotated)).toBe(contactFingerprint(lin, ring));
  });
});

describe('sameFingerprint', () => {
  it('compares under one key and cannot tell across keys or without one', () => {
    expect(sameFingerprint('k1:aa', 'k1:aa')).toBe(true);
    expect(sameFingerprint('k1:aa', 'k1:bb')).toBe(false);
    expect(sameFingerprint('k1:aa', 'k2:aa')).toBeUndefined();
    expect(sameFingerprint(undefined, 'k1:aa')).toBeUndefined();
  });
});
