import { describe, expect, it } from 'vitest';
import { invoiceBuyerOf } from './invoice-buyer.ts';

describe('invoiceBuyerOf', () => {
  it("reads each platform's invoice title and taxpayer number where it keeps them", () => {
    const company = { title: '杭州某某科技有限公司', taxNo: '91330100MA2B000000' };
    expect(invoiceBuyerOf('tmall', { trade_fullinfo_get_response: { trade: { invoice_name: company.title, buyer_tax_no: company.taxNo } } })).toEqual(company);
    expect(invoiceBuyerOf('tmall', { invoice_name: company.title, buyer_tax_no: company.taxNo })).toEqual(company);
    expect(invoiceBuyerOf('jd', { invoiceEasyInfo: { invoiceTitle: company.title, invoiceCode: company.taxNo } })).toEqual(company);
    expect(invoiceBuyerOf('shop', { note_attributes: [{ name: 'gift_wrap', value: 'yes' }, { name: 'invoice_title', value: company.title }, { name: 'tax_number', value: company.taxNo }] })).toEqual(company);
  });

  it('makes an invoice out to an individual (个人) when the order asks for no title, or gives a blank or odd one', () => {
    const individual = { title: '个人', taxNo: '' };
    expect(invoiceBuyerOf('jd', { invoiceInfo: '不需要开具发票' })).toEqual(individual);
    expect(invoiceBuyerOf('tmall', { invoice_name: '   ', buyer_tax_no: '91330100MA2B000000' })).toEqual(individual);
    expect(invoiceBuyerOf('shop', { note_attributes: 'invoice_title' })).toEqual(individual);
    expect(invoiceBuyerOf('douyin', { invoice_title: 'ignored' })).toEqual(individual);
    expect(invoiceBuyerOf('pdd', null)).toEqual(individual);
    expect(invoiceBuyerOf('jd', { invoiceEasyInfo: { invoiceTitle: 42 } })).toEqual(individual);
  });

  it('trims, upper-cases the taxpayer number and keeps both within bounds', () => {
    expect(invoiceBuyerOf('jd', { invoiceEasyInfo: { invoiceTitle: ' 某公司 ', invoiceCode: ' 91310000ma1k000000 ' } })).toEqual({ title: '某公司', taxNo: '91310000MA1K000000' });
    const long = invoiceBuyerOf('jd', { invoiceEasyInfo: { invoiceTitle: '长'.repeat(300), invoiceCode: '9'.repeat(40) } });
    expect(long.title).toHaveLength(100);
    expect(long.taxNo).toHaveLength(20);
  });
});
