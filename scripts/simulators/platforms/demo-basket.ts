import { DEMO_CATALOGUE } from '../shop-orders.ts';

/** One line of a generated order, before a platform writes it in its own format. */
export interface BasketLine {
  sku: string;
  title: string;
  qty: number;
  unitFen: number;
}

/** Who buys and where it goes, platform-neutral. */
export interface BasketAddress {
  province: string;
  city: string;
  district: string;
  detail: string;
  receiver: string;
  /** Unmasked: each platform masks (or not) as it does in reality. */
  phone: string;
  postcode: string;
}

/**
 * What a generated order contains, deterministic in `seq`: the same seq always gives the same
 * lines, amounts and address on every platform, so tests can predict totals. Amounts add up:
 * `paidFen = goodsFen - discountFen + shippingFen`.
 */
export interface Basket {
  lines: BasketLine[];
  goodsFen: number;
  discountFen: number;
  shippingFen: number;
  paidFen: number;
  address: BasketAddress;
  buyer: string;
  /** Some orders start unpaid, so the platforms have "paid" updates to send later. */
  unpaid: boolean;
}

// Standard Chinese names, as the marketplaces write them; the web shop writes its own (Shopify) form.
const PLACES = [
  { province: '江苏省', city: '苏州市', district: '工业园区', postcode: '215000' },
  { province: '浙江省', city: '杭州市', district: '西湖区', postcode: '310000' },
  { province: '广东省', city: '深圳市', district: '南山区', postcode: '518000' },
  { province: '新疆维吾尔自治区', city: '乌鲁木齐市', district: '天山区', postcode: '830000' },
  { province: '北京市', city: '北京市', district: '朝阳区', postcode: '100000' },
  { province: '西藏自治区', city: '拉萨市', district: '城关区', postcode: '850000' },
] as const;

/** Sellable items of the demo catalogue: the gift bag is never bought on its own. */
const ITEMS = DEMO_CATALOGUE.filter((item) => item.price !== '0.00');

/** The basket of order number `seq`. */
export function basketOf(seq: number): Basket {
  const lines = Array.from({ length: 1 + (seq % 3) }, (_, i): BasketLine => {
    const item = ITEMS[(seq + i) % ITEMS.length]!;
    return { sku: item.sku, title: item.title, qty: 1 + ((seq + i) % 2), unitFen: yuanToFen(item.price) };
  });
  const goodsFen = lines.reduce((sum, l) => sum + l.unitFen * l.qty, 0);
  const discountFen = goodsFen >= 30000 ? 2000 : 0;
  const shippingFen = goodsFen >= 9900 ? 0 : 1000;
  const place = PLACES[seq % PLACES.length]!;
  return {
    lines,
    goodsFen,
    discountFen,
    shippingFen,
    paidFen: goodsFen - discountFen + shippingFen,
    address: {
      ...place,
      detail: `人民路${(seq % 500) + 1}号`,
      receiver: `顾客${seq % 10_000}`,
      phone: `138${String(seq % 100_000_000).padStart(8, '0')}`,
    },
    buyer: `buyer_${seq % 1000}`,
    unpaid: seq % 5 === 0,
  };
}

/** `"199.00"` from 19900 fen. */
export function fenToYuan(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/** A new street address for an address-change update. */
/**
 * The privacy (virtual) number a marketplace hands out for the buyer of order `seq`: it reaches
 * the buyer through the platform for a while, and is not the buyer's own number.
 */
export function virtualNumber(seq: number): string {
  return `170${String(seq % 100_000_000).padStart(8, '0')}`;
}

/** The masked form a marketplace shows of a phone: 138****0000. */
export function maskedNumber(phone: string): string {
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

export function movedDetail(seq: number): string {
  return `改到 星湖街${(seq % 300) + 1}号`;
}

function yuanToFen(yuan: string): number {
  const [whole = '0', cents = ''] = yuan.split('.');
  return Number(whole) * 100 + Number(cents.padEnd(2, '0'));
}
