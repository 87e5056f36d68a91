import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { formatOrder, type OrderView } from './order-view.ts';

const at = '2026-11-11T00:00:07.000+08:00';
const view = {
  id: 'pdd:261111-001796284106368',
  channel: 'pdd',
  externalId: '261111-001796284106368',
  status: 'exception',
  channelStatus: 'paid',
  refundStatus: 'none',
  exception: { type: 'address_change_after_waybill', detail: 'address changed after the waybill: redirect the parcel to 新疆维吾尔自治区 乌鲁木齐市 天山区 改到 星****** 顾*****' },
  warehouse: 'chengdu',
  placedAt: at,
  paidAt: at,
  buyer: null,
  address: null,
  paymentMethod: 'online',
  amounts: { goods: 78400, discount: 2000, platformDiscount: 0, shopDiscount: 2000, shipping: 0, paid: 76400 },
  lines: [
    { lineId: '17962841064080', sku: 'TEA-LJ-250', title: '西湖龙井 250g 明前特级 礼盒装 两罐 送手提袋', qty: 1, unitPrice: 19900, payable: 19392, gift: false },
    { lineId: '17962841064081', sku: 'TEA-PE-357', title: '云南普洱饼 357g', qty: 12, unitPrice: 26800, payable: 52233, gift: false },
  ],
  reservations: [],
  routing: null,
  shipments: [],
  notifications: [],
  pricing: {
    method: 'platform',
    ruleSetVersion: null,
    payable: 76400,
    pricedAt: at,
    result: { lines: [{ lineId: '17962841064080', listAmount: 19900, platformFunded: 0, shopFunded: 508, payable: 19392 }] },
  },
  events: [{ type: 'received', at, detail: null }],
  processingSeconds: null,
} as unknown as OrderView;

describe('order show for people', () => {
  it('keeps every line within 80 columns: the detail wrapped whole, long titles shortened, columns aligned, amounts in yuan', () => {
    const lines = formatOrder(view).split('\n');
    for (const line of lines) expect(stringWidth(line), line).toBeLessThanOrEqual(80);
    expect(lines.join('\n')).toContain('改到 星****** 顾*****');
    const [first, second] = lines.filter((l) => l.startsWith('  1796284106408'));
    expect(first).toMatch(/^ {2}17962841064080 {2}TEA-LJ-250 {2}x1 {2}@ {4}199\.00 {2}西湖龙井 250g .*…/);
    expect(second).toMatch(/^ {2}17962841064081 {2}TEA-PE-357 {2}x12 @ {4}268\.00 {2}云南普洱饼 357g$/);
    expect(lines).toContain('goods 784.00 - discount 20.00 + shipping 0.00 = paid 764.00');
    const header = lines.findIndex((l) => l.includes('platform-funded'));
    expect(lines[header + 1]).toBe('  17962841064080     199.00             0.00         5.08     193.92');
    expect(lines[header]?.indexOf('payable')).toBe(lines[header + 1]!.length - 'payable'.length);
  });

  it('lists the invoices, blue and its red-letter reversal, in yuan with title and tax number, within 80 columns', () => {
    const invoices = [
      { kind: 'blue', invoiceNo: 'FP000000000001', title: '杭州某某科技有限公司某某分公司第三事业部采购中心华东区域办公室', taxNo: '91330100MA2B000000', amount: 76400, requestedAt: at },
      { kind: 'red', invoiceNo: 'HC000000000002', title: '个人', taxNo: '', amount: -76400, requestedAt: at },
    ];
    const text = formatOrder({ ...view, invoices } as OrderView);
    for (const line of text.split('\n')) expect(stringWidth(line), line).toBeLessThanOrEqual(80);
    expect(text).toContain('invoices (yuan):');
    expect(text).toMatch(/^ {2}blue FP000000000001 {5}764\.00 {2}\d{4}-/m);
    expect(text).toContain('杭州某某科技有限公司');
    expect(text).toContain('(91330100MA2B000000)');
    expect(text).toMatch(/^ {2}red {2}HC000000000002 {4}-764\.00 {2}.* 个人$/m);
    expect(formatOrder(view)).not.toContain('invoices');
  });
});
