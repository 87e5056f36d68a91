/** The demo catalogue: SKUs the shop simulator sells, with their prices in yuan strings. */
export const DEMO_CATALOGUE = [
  { sku: 'TEA-LJ-250', title: '西湖龙井 250g', price: '199.00' },
  { sku: 'TEA-PE-357', title: '云南普洱饼 357g', price: '268.00' },
  { sku: 'CUP-WHITE', title: '白瓷盖碗', price: '49.00' },
  { sku: 'KETTLE-1L', title: '电热水壶 1L', price: '159.90' },
  { sku: 'GIFT-BAG', title: '礼品袋', price: '0.00' },
] as const;

const PROVINCES = [
  { province: 'Jiangsu', code: 'JS', city: '苏州市' },
  { province: 'Zhejiang', code: 'ZJ', city: '杭州市' },
  { province: 'Guangdong', code: 'GD', city: '深圳市' },
  { province: 'Xinjiang', code: 'XJ', city: '乌鲁木齐市' },
  { province: 'Beijing', code: 'BJ', city: '北京市' },
] as const;

/**
 * A Shopify `orders/create` body, deterministic in `seq`: the same seq always gives the same
 * order, so tests and load tests can predict totals.
 */
export function generateShopOrder(seq: number, now: Date = new Date()): Record<string, unknown> {
  const lineCount = 1 + (seq % 3);
  const lines = Array.from({ length: lineCount }, (_, i) => {
    const item = DEMO_CATALOGUE[(seq + i) % 4]!;
    return { id: seq * 10 + i, sku: item.sku, title: item.title, quantity: 1 + ((seq + i) % 2), price: item.price, total_discount: '0.00' };
  });
  const goodsFen = lines.reduce((sum, l) => sum + toFen(l.price) * l.quantity, 0);
  const discountFen = goodsFen >= 30000 ? 2000 : 0;
  const shippingFen = goodsFen >= 9900 ? 0 : 1000;
  const where = PROVINCES[seq % PROVINCES.length]!;
  const at = now.toISOString().replace('Z', '+00:00');
  return {
    id: 5_000_000_000 + seq,
    name: `#${1000 + seq}`,
    created_at: at,
    processed_at: at,
    updated_at: at,
    cancelled_at: null,
    financial_status: 'paid',
    currency: 'CNY',
    total_price: toYuan(goodsFen - discountFen + shippingFen),
    subtotal_price: toYuan(goodsFen - discountFen),
    total_line_items_price: toYuan(goodsFen),
    total_discounts: toYuan(discountFen),
    discount_codes: discountFen ? [{ code: 'SAVE20', amount: toYuan(discountFen), type: 'fixed_amount' }] : [],
    shipping_lines: [{ price: toYuan(shippingFen) }],
    line_items: lines,
    shipping_address: {
      name: `顾客${seq}`,
      address1: `人民路${(seq % 500) + 1}号`,
      address2: '',
      city: where.city,
      province: where.province,
      province_code: where.code,
      zip: '215000',
      phone: `138${String(seq % 100_000_000).padStart(8, '0')}`,
      country_code: 'CN',
    },
    customer: { id: 6_200_000_000 + (seq % 1000) },
    note: '',
  };
}

function toFen(yuan: string): number {
  const [whole = '0', cents = ''] = yuan.split('.');
  return Number(whole) * 100 + Number(cents.padEnd(2, '0'));
}

function toYuan(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/**
 * The demo's own-channel promotions as a rule set: the web shop's SAVE20 code on orders of 300
 * yuan or more, and the stores' automatic 20 off at the same threshold. `npm start` stores it when
 * there is no rule set yet, so the demo's orders price exactly as the simulators charged them.
 */
export const DEMO_RULES = {
  promotions: [
    { id: 'SAVE20', level: 'store', type: 'threshold_off', threshold: 30000, amountOff: 2000, requiresClaim: true, channels: ['shop'] },
    { id: 'STORE20', level: 'store', type: 'threshold_off', threshold: 30000, amountOff: 2000, channels: ['pos'] },
  ],
};
