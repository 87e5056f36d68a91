import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parsePiiKeyring } from '../../streams/pii/keyring.ts';
import { sealPii } from '../../streams/pii/sealed-value.ts';
import { carrierAddress } from './carrier-address.ts';

const ring = parsePiiKeyring(randomBytes(32).toString('base64'), 'test');
const shown = { province: '江苏省', provinceCode: '320000', city: '苏州市', district: '工业园区', street: '', detail: '星湖街 328 号', receiver: '林伟', phone: '138****8000', postcode: '215000' };

describe('carrierAddress', () => {
  it('gives the carrier the full receiver, phone and street, and not the sealed copy', () => {
    const contact = { receiver: sealPii('林伟', ring), phone: sealPii('13800138000', ring), street: sealPii('娄葑街道', ring), detail: sealPii('星湖街 328 号 2 栋', ring) };
    expect(carrierAddress({ ...shown, contact }, ring)).toEqual({ ...shown, receiver: '林伟', phone: '13800138000', street: '娄葑街道', detail: '星湖街 328 号 2 栋' });
  });

  it('keeps the masked phone where the platform gave no number to reach, and an order stored before sealing as it is', () => {
    const contact = { receiver: sealPii('林伟', ring), phone: '', street: '', detail: sealPii('星湖街 328 号', ring) };
    expect(carrierAddress({ ...shown, contact }, ring).phone).toBe('138****8000');
    expect(carrierAddress(shown, ring)).toEqual(shown);
  });
});
