import { describe, expect, it } from 'vitest';
import { canonicalAddress, type AddressParts } from './address.ts';

const parts: AddressParts = {
  province: '新疆',
  city: '乌鲁木齐市',
  district: '天山区',
  street: '',
  detail: '解放北路 88 号',
  receiver: '阿依古丽',
  phone: '13912345678',
  postcode: '830000',
};

describe('canonicalAddress', () => {
  it('standardises the province and masks the phone', () => {
    expect(canonicalAddress(parts)).toEqual({
      ...parts,
      province: '新疆维吾尔自治区',
      provinceCode: '650000',
      phone: '139****5678',
    });
  });

  it('prefers a known Shopify province code to the name', () => {
    expect(canonicalAddress({ ...parts, province: 'Tibet', shopifyProvinceCode: 'YZ' }).provinceCode).toBe('540000');
    expect(canonicalAddress({ ...parts, province: 'Xinjiang', shopifyProvinceCode: 'ZZ' }).provinceCode).toBe('650000');
  });

  it('keeps an unrecognised province as given, with an empty code', () => {
    expect(canonicalAddress({ ...parts, province: 'Ontario' })).toMatchObject({ province: 'Ontario', provinceCode: '' });
  });
});
