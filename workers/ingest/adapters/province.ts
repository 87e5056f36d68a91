/** A provincial-level division: its standard Chinese name and GB/T 2260 code. */
export interface Province {
  name: string;
  code: string;
}

interface ProvinceEntry extends Province {
  /** Short Chinese names, pinyin and English names the platforms use. */
  aliases: readonly string[];
  /** Shopify's province code (ISO 3166-2:CN, except Shopify's YZ for Xizang). */
  shopify: string;
}

// All 34 provincial-level divisions.
const PROVINCES: readonly ProvinceEntry[] = [
  { name: '北京市', code: '110000', shopify: 'BJ', aliases: ['北京', 'Beijing', 'Peking'] },
  { name: '天津市', code: '120000', shopify: 'TJ', aliases: ['天津', 'Tianjin'] },
  { name: '河北省', code: '130000', shopify: 'HE', aliases: ['河北', 'Hebei'] },
  { name: '山西省', code: '140000', shopify: 'SX', aliases: ['山西', 'Shanxi'] },
  {
    name: '内蒙古自治区',
    code: '150000',
    shopify: 'NM',
    aliases: ['内蒙古', '内蒙', 'Nei Mongol', 'Neimenggu', 'Inner Mongolia', 'Nei Menggu'],
  },
  { name: '辽宁省', code: '210000', shopify: 'LN', aliases: ['辽宁', 'Liaoning'] },
  { name: '吉林省', code: '220000', shopify: 'JL', aliases: ['吉林', 'Jilin'] },
  { name: '黑龙江省', code: '230000', shopify: 'HL', aliases: ['黑龙江', 'Heilongjiang'] },
  { name: '上海市', code: '310000', shopify: 'SH', aliases: ['上海', 'Shanghai'] },
  { name: '江苏省', code: '320000', shopify: 'JS', aliases: ['江苏', 'Jiangsu'] },
  { name: '浙江省', code: '330000', shopify: 'ZJ', aliases: ['浙江', 'Zhejiang'] },
  { name: '安徽省', code: '340000', shopify: 'AH', aliases: ['安徽', 'Anhui'] },
  { name: '福建省', code: '350000', shopify: 'FJ', aliases: ['福建', 'Fujian'] },
  { name: '江西省', code: '360000', shopify: 'JX', aliases: ['江西', 'Jiangxi'] },
  { name: '山东省', code: '370000', shopify: 'SD', aliases: ['山东', 'Shandong'] },
  { name: '河南省', code: '410000', shopify: 'HA', aliases: ['河南', 'Henan'] },
  { name: '湖北省', code: '420000', shopify: 'HB', aliases: ['湖北', 'Hubei'] },
  { name: '湖南省', code: '430000', shopify: 'HN', aliases: ['湖南', 'Hunan'] },
  { name: '广东省', code: '440000', shopify: 'GD', aliases: ['广东', 'Guangdong', 'Canton'] },
  { name: '广西壮族自治区', code: '450000', shopify: 'GX', aliases: ['广西', '广西自治区', 'Guangxi', 'Guangxi Zhuang'] },
  { name: '海南省', code: '460000', shopify: 'HI', aliases: ['海南', 'Hainan'] },
  { name: '重庆市', code: '500000', shopify: 'CQ', aliases: ['重庆', 'Chongqing'] },
  { name: '四川省', code: '510000', shopify: 'SC', aliases: ['四川', 'Sichuan'] },
  { name: '贵州省', code: '520000', shopify: 'GZ', aliases: ['贵州', 'Guizhou'] },
  { name: '云南省', code: '530000', shopify: 'YN', aliases: ['云南', 'Yunnan'] },
  { name: '西藏自治区', code: '540000', shopify: 'YZ', aliases: ['西藏', 'Xizang', 'Tibet'] },
  { name: '陕西省', code: '610000', shopify: 'SN', aliases: ['陕西', 'Shaanxi'] },
  { name: '甘肃省', code: '620000', shopify: 'GS', aliases: ['甘肃', 'Gansu'] },
  { name: '青海省', code: '630000', shopify: 'QH', aliases: ['青海', 'Qinghai'] },
  { name: '宁夏回族自治区', code: '640000', shopify: 'NX', aliases: ['宁夏', '宁夏自治区', 'Ningxia', 'Ningxia Hui'] },
  {
    name: '新疆维吾尔自治区',
    code: '650000',
    shopify: 'XJ',
    aliases: ['新疆', '新疆自治区', '新疆维吾尔族自治区', 'Xinjiang', 'Xinjiang Uygur', 'Xinjiang Uyghur'],
  },
  { name: '台湾省', code: '710000', shopify: 'TW', aliases: ['台湾', '臺灣', 'Taiwan'] },
  {
    name: '香港特别行政区',
    code: '810000',
    shopify: 'HK',
    aliases: ['香港', 'Hong Kong', 'Hongkong', 'Xianggang', 'Hong Kong SAR'],
  },
  {
    name: '澳门特别行政区',
    code: '820000',
    shopify: 'MO',
    aliases: ['澳门', '澳門', 'Macau', 'Macao', 'Aomen', 'Macau SAR', 'Macao SAR'],
  },
];

// Romanised names often carry an administrative suffix ("Guangdong Province", "Beijing Shi");
// stripping it lets one alias cover every spelling.
const LATIN_SUFFIX =
  /(province|sheng|shi|city|municipality|autonomousregion|zizhiqu|specialadministrativeregion|sar)$/;

const BY_NAME = new Map<string, Province>();
const BY_SHOPIFY_CODE = new Map<string, Province>();
for (const { name, code, shopify, aliases } of PROVINCES) {
  const province: Province = { name, code };
  for (const alias of [name, ...aliases]) BY_NAME.set(nameKey(alias), province);
  BY_SHOPIFY_CODE.set(shopify, province);
}
// ISO 3166-2:CN spells Xizang XZ where Shopify says YZ.
BY_SHOPIFY_CODE.set('XZ', { name: '西藏自治区', code: '540000' });

/**
 * Finds a province by any name the platforms use: full or short Chinese, pinyin (with or without
 * tone marks) or English, with or without an administrative suffix.
 *
 * @example
 * lookupProvince('新疆')           // { name: '新疆维吾尔自治区', code: '650000' }
 * lookupProvince('Xinjiang Uygur Zizhiqu') // the same
 * lookupProvince('Atlantis')       // undefined
 */
export function lookupProvince(value: string): Province | undefined {
  const key = nameKey(value);
  if (key === '') return undefined;
  return BY_NAME.get(key) ?? BY_NAME.get(key.replace(LATIN_SUFFIX, ''));
}

/** Finds a province by Shopify's `province_code` (`GD`, `YZ`, `CN-GD`). */
export function lookupShopifyProvinceCode(code: string): Province | undefined {
  const key = code.trim().toUpperCase();
  return BY_SHOPIFY_CODE.get(key.startsWith('CN-') ? key.slice(3) : key);
}

function nameKey(value: string): string {
  let key = value.trim().toLowerCase();
  // Strip tone marks only when there are non-ASCII letters: keeps the common path cheap.
  if (/[^\x00-\x7f]/.test(key)) key = key.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  return key.replace(/[\s'’.\-_]/g, '');
}
