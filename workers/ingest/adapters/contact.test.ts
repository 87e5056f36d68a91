import { describe, expect, it } from 'vitest';
import { addressWithContact } from './contact.ts';

const parts = { province: '江苏', city: '苏州市', district: '', street: '娄葑街道', detail: '星湖街 328 号', receiver: '林伟', phone: '', postcode: '' };

describe('addressWithContact', () => {
  it('keeps the masked phone on display and the number that reaches the buyer beside it', () => {
    expect(addressWithContact({ ...parts, phone: '13800138000' })).toMatchObject({
      phone: '138****8000',
      contact: { phone: '13800138000', receiver: '林伟', street: '娄葑街道', detail: '星湖街 328 号' },
    });
  });

  it('never takes a masked number as reachable; a marketplace virtual number is', () => {
    expect(addressWithContact({ ...parts, phone: '138****8000' }).contact?.phone).toBe('');
    expect(addressWithContact({ ...parts, phone: '138****8000' }, '17000001234').contact?.phone).toBe('17000001234');
    expect(addressWithContact({ ...parts, phone: '138****8000' }, '170****1234').contact?.phone).toBe('');
  });
});
