import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parsePiiKeyring } from './keyring.ts';
import { isSealedBody, openBody, sealBody } from './sealed-body.ts';

const ring = parsePiiKeyring(`k1:${randomBytes(32).toString('base64')}`, 'test');
const payload = new TextEncoder().encode(JSON.stringify({ shipping_address: { name: '林伟', phone: '13900000101', address1: '星湖街 328 号' } }));

describe('sealBody / openBody', () => {
  it('keeps nothing of the body in clear and opens to the same bytes', () => {
    const sealed = sealBody(payload, ring);
    const text = new TextDecoder().decode(sealed);
    expect(text).toMatch(/^sealed:k1:[A-Za-z0-9+/]+=*$/);
    for (const clear of ['林伟', '13900000101', '星湖街']) expect(text).not.toContain(clear);
    expect(isSealedBody(sealed)).toBe(true);
    expect(isSealedBody(payload)).toBe(false);
    expect(Buffer.from(openBody(sealed, ring)).equals(Buffer.from(payload))).toBe(true);
  });

  it('does not seal twice, and keeps bytes that are not text', () => {
    const sealed = sealBody(payload, ring);
    expect(sealBody(sealed, ring)).toBe(sealed);
    const binary = Uint8Array.from([0xff, 0x00, 0xfe, 0x7b]);
    expect([...openBody(sealBody(binary, ring), ring)]).toEqual([...binary]);
  });

  it('refuses a changed envelope', () => {
    const sealed = sealBody(payload, ring);
    const tampered = Uint8Array.from(sealed);
    tampered[tampered.length - 3] = tampered[tampered.length - 3] === 65 ? 66 : 65;
    expect(() => openBody(tampered, ring)).toThrow(/does not authenticate/);
  });
});
