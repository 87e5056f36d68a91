import type { Channel, InvoiceRequest } from '../../../streams/canonical-order.ts';

/** Longest title and taxpayer number kept: a unified social credit code is 18 characters, titles are names. */
const MAX_TITLE = 100;
const MAX_TAX_NO = 20;

/**
 * The invoice the buyer asked for in the platform payload: its title (发票抬头) and taxpayer
 * number (纳税人识别号), or undefined when the payload asks for none in particular. Pure; the
 * one place each platform's invoice fields are read (`canonicalOrderOf` calls it for every
 * channel):
 * - tmall: the trade's `invoice_name` and `buyer_tax_no` (inside the `trade_fullinfo_get_response`
 *   envelope or not);
 * - jd: `invoiceEasyInfo.invoiceTitle` and `invoiceEasyInfo.invoiceCode`;
 * - shop (the web shop, and `ordersurge submit` of web-shop orders): the `note_attributes` named
 *   `invoice_title` and `tax_number`;
 * - douyin, pdd, pos: none (their order payloads carry no invoice request; a till prints its own).
 * A title that is missing, blank or not a string is no request; the tax number is trimmed and
 * upper-cased ('' when absent).
 *
 * @example
 * invoiceRequestOf('jd', { invoiceEasyInfo: { invoiceTitle: '某某科技有限公司', invoiceCode: '91310000ma1k000000' } })
 * // { title: '某某科技有限公司', taxNo: '91310000MA1K000000' }
 */
export function invoiceRequestOf(channel: Channel, raw: unknown): InvoiceRequest | undefined {
  const [title, taxNo] = fieldsOf(channel, raw);
  const cleanTitle = text(title, MAX_TITLE);
  if (cleanTitle === '') return undefined;
  return { title: cleanTitle, taxNo: text(taxNo, MAX_TAX_NO).toUpperCase() };
}

function fieldsOf(channel: Channel, raw: unknown): [unknown, unknown] {
  switch (channel) {
    case 'tmall': {
      const trade = objectAt(objectAt(raw, 'trade_fullinfo_get_response'), 'trade') ?? record(raw);
      return [trade?.invoice_name, trade?.buyer_tax_no];
    }
    case 'jd': {
      const info = objectAt(raw, 'invoiceEasyInfo');
      return [info?.invoiceTitle, info?.invoiceCode];
    }
    case 'shop': {
      const notes = record(raw)?.note_attributes;
      const note = (name: string): unknown => (Array.isArray(notes) ? notes.map(record).find((n) => n?.name === name)?.value : undefined);
      return [note('invoice_title'), note('tax_number')];
    }
    default:
      return [undefined, undefined];
  }
}

function text(value: unknown, max: number): string {
  return typeof value === 'string' ? value.trim().slice(0, max) : '';
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function objectAt(value: unknown, key: string): Record<string, unknown> | undefined {
  return record(record(value)?.[key]);
}
