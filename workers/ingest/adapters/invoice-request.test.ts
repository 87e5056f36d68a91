import { describe, expect, it } from 'vitest';
import { fixtureWith } from '../../../test/fixtures/channels/adapter-test-kit.ts';
import { invoiceRequestOf } from './invoice-request.ts';
import { normalizeJd } from './jd.ts';
import { normalizeShop } from './shop.ts';
import { normalizeTmall } from './tmall.ts';

const company = { title: '杭州某某科技有限公司', taxNo: '91330100MA2B000000' };

describe('invoiceRequestOf', () => {
  it("reads each platform's invoice title and taxpayer number where it keeps them", () => {
    expect(invoiceRequestOf('tmall', { trade_fullinfo_get_response: { trade: { invoice_name: company.title, buyer_tax_no: company.taxNo } } })).toEqual(company);
    expect(invoiceRequestOf('tmall', { invoice_name: company.title, buyer_tax_no: company.taxNo })).toEqual(company);
    expect(invoiceRequestOf('jd', { invoiceEasyInfo: { invoiceTitle: company.title, invoiceCode: company.taxNo } })).toEqual(company);
    expect(invoiceRequestOf('shop', { note_attributes: [{ name: 'gift_wrap', value: 'yes' }, { name: 'invoice_title', value: company.title }, { name: 'tax_number', value: company.taxNo }] })).toEqual(company);
    expect(invoiceRequestOf('shop', { note_attributes: [{ name: 'invoice_title', value: '林伟' }] })).toEqual({ title: '林伟', taxNo: '' });
  });

  it('is no request when the payload asks for no title, or gives a blank or odd one', () => {
    expect(invoiceRequestOf('jd', { invoiceInfo: '不需要开具发票' })).toBeUndefined();
    expect(invoiceRequestOf('tmall', { invoice_name: '   ', buyer_tax_no: company.taxNo })).toBeUndefined();
    expect(invoiceRequestOf('shop', { note_attributes: 'invoice_title' })).toBeUndefined();
    expect(invoiceRequestOf('douyin', { invoice_title: 'not a douyin field' })).toBeUndefined();
    expect(invoiceRequestOf('pdd', null)).toBeUndefined();
    expect(invoiceRequestOf('jd', { invoiceEasyInfo: { invoiceTitle: 42 } })).toBeUndefined();
  });

  it('trims, upper-cases the taxpayer number and keeps both within bounds', () => {
    expect(invoiceRequestOf('jd', { invoiceEasyInfo: { invoiceTitle: ' 某公司 ', invoiceCode: ' 91310000ma1k000000 ' } })).toEqual({ title: '某公司', taxNo: '91310000MA1K000000' });
    const long = invoiceRequestOf('jd', { invoiceEasyInfo: { invoiceTitle: '长'.repeat(300), invoiceCode: '9'.repeat(40) } });
    expect(long?.title).toHaveLength(100);
    expect(long?.taxNo).toHaveLength(20);
  });

  it('lands in the canonical order of every adapter that has the fields, and stays out of it otherwise', () => {
    const jd = normalizeJd(fixtureWith('jd', 'wait-stock-out-coupons.json', (p) => (p.invoiceEasyInfo = { invoiceTitle: company.title, invoiceCode: company.taxNo })));
    expect(jd.ok && jd.order.invoice).toEqual(company);
    const tmall = normalizeTmall(fixtureWith('tmall', 'paid-multi-line-envelope.json', (p) => Object.assign(p.trade_fullinfo_get_response.trade, { invoice_name: company.title, buyer_tax_no: company.taxNo })));
    expect(tmall.ok && tmall.order.invoice).toEqual(company);
    const shop = normalizeShop(fixtureWith('shop', 'paid-multi-line.json', (p) => (p.note_attributes = [{ name: 'invoice_title', value: company.title }])));
    expect(shop.ok && shop.order.invoice).toEqual({ title: company.title, taxNo: '' });
    const plain = normalizeJd(fixtureWith('jd', 'wait-stock-out-coupons.json', () => undefined));
    expect(plain.ok && 'invoice' in plain.order).toBe(false);
  });
});
