import { describe, expect, it } from 'vitest';
import { lookupProvince, lookupShopifyProvinceCode } from './province.ts';

// [standard name, GB/T 2260 code, short name, pinyin / English, Shopify code]
const ALL: [string, string, string, string, string][] = [
  ['北京市', '110000', '北京', 'Beijing', 'BJ'],
  ['天津市', '120000', '天津', 'Tianjin', 'TJ'],
  ['河北省', '130000', '河北', 'Hebei', 'HE'],
  ['山西省', '140000', '山西', 'Shanxi', 'SX'],
  ['内蒙古自治区', '150000', '内蒙古', 'Inner Mongolia', 'NM'],
  ['辽宁省', '210000', '辽宁', 'Liaoning', 'LN'],
  ['吉林省', '220000', '吉林', 'Jilin', 'JL'],
  ['黑龙江省', '230000', '黑龙江', 'Heilongjiang', 'HL'],
  ['上海市', '310000', '上海', 'Shanghai', 'SH'],
  ['江苏省', '320000', '江苏', 'Jiangsu', 'JS'],
  ['浙江省', '330000', '浙江', 'Zhejiang', 'ZJ'],
  ['安徽省', '340000', '安徽', 'Anhui', 'AH'],
  ['福建省', '350000', '福建', 'Fujian', 'FJ'],
  ['江西省', '360000', '江西', 'Jiangxi', 'JX'],
  ['山东省', '370000', '山东', 'Shandong', 'SD'],
  ['河南省', '410000', '河南', 'Henan', 'HA'],
  ['湖北省', '420000', '湖北', 'Hubei', 'HB'],
  ['湖南省', '430000', '湖南', 'Hunan', 'HN'],
  ['广东省', '440000', '广东', 'Guangdong', 'GD'],
  ['广西壮族自治区', '450000', '广西', 'Guangxi', 'GX'],
  ['海南省', '460000', '海南', 'Hainan', 'HI'],
  ['重庆市', '500000', '重庆', 'Chongqing', 'CQ'],
  ['四川省', '510000', '四川', 'Sichuan', 'SC'],
  ['贵州省', '520000', '贵州', 'Guizhou', 'GZ'],
  ['云南省', '530000', '云南', 'Yunnan', 'YN'],
  ['西藏自治区', '540000', '西藏', 'Tibet', 'YZ'],
  ['陕西省', '610000', '陕西', 'Shaanxi', 'SN'],
  ['甘肃省', '620000', '甘肃', 'Gansu', 'GS'],
  ['青海省', '630000', '青海', 'Qinghai', 'QH'],
  ['宁夏回族自治区', '640000', '宁夏', 'Ningxia', 'NX'],
  ['新疆维吾尔自治区', '650000', '新疆', 'Xinjiang', 'XJ'],
  ['台湾省', '710000', '台湾', 'Taiwan', 'TW'],
  ['香港特别行政区', '810000', '香港', 'Hong Kong', 'HK'],
  ['澳门特别行政区', '820000', '澳门', 'Macau', 'MO'],
];

describe('province lookup', () => {
  it('covers all 34 provincial-level divisions', () => {
    expect(new Set(ALL.map(([, code]) => code)).size).toBe(34);
  });

  it.each(ALL)('finds %s (%s) by full, short and romanised name and Shopify code', (name, code, short, latin, shopify) => {
    const province = { name, code };
    expect(lookupProvince(name)).toEqual(province);
    expect(lookupProvince(short)).toEqual(province);
    expect(lookupProvince(latin)).toEqual(province);
    expect(lookupShopifyProvinceCode(shopify)).toEqual(province);
  });

  it.each([
    ['  新疆 ', '650000'],
    ['XINJIANG', '650000'],
    ['Xinjiang Uygur Zizhiqu', '650000'],
    ['Xizang', '540000'],
    ['Guangdong Province', '440000'],
    ['Guangdong Sheng', '440000'],
    ['Beijing Shi', '110000'],
    ['Shaanxi', '610000'],
    ['Shanxi', '140000'],
    ['Guangxi Zhuang Autonomous Region', '450000'],
    ['Nei Mongol', '150000'],
    ['Xīnjiāng', '650000'],
    ['Hong Kong SAR', '810000'],
    ['Macao', '820000'],
    ['内蒙', '150000'],
  ])('reads the variant %j', (value, code) => {
    expect(lookupProvince(value)?.code).toBe(code);
  });

  it('reads ISO codes that differ from Shopify and CN- prefixes', () => {
    expect(lookupShopifyProvinceCode('XZ')?.code).toBe('540000');
    expect(lookupShopifyProvinceCode('cn-gd')?.code).toBe('440000');
  });

  it.each(['', 'Atlantis', 'California', '火星', 'shi'])('does not recognise %j', (value) => {
    expect(lookupProvince(value)).toBeUndefined();
  });
});
