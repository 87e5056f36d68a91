import type { Channel } from '../../streams/canonical-order.ts';

/** Who an invoice is made out to: the buyer's invoice title (发票抬头) and taxpayer number (纳税人识别号). */
export interface InvoiceBuyer {
  title: string;
  /** '' for an individual. */
  taxNo: string;
}

/** The title of an invoice for a buyer who asked for none in particular: an individual. */
export const INDIVIDUAL_TITLE = '个人';

/** Longest title and taxpayer number passed on: a unified social credit code is 18 characters, titles are names. */
const MAX_TITLE = 100;
const MAX_TAX_NO = 20;

/**
 * The buyer's invoice title and tax number as the order's platform payload (`orders.raw`, kept
 * whole) carries them. Pure. Read here rather than in the canonical order: only the invoice step
 * needs them, and they are not personal data the ingest seals. Where each platform puts them:
 * - tmall: the trade's `invoice_name` and `buyer_tax_no` (inside the `trade_fullinfo_get_response`
 *   envelope or not);
 * - jd: `invoiceEasyInfo.invoiceTitle` and `invoiceEasyInfo.invoiceCode`;
 * - shop (the web shop, and `ordersurge submit` of web-shop orders): the `note_attributes` named
 *   `invoice_title` and `tax_number`;
 * - douyin, pdd, pos: none (their order payloads carry no invoice request; a till prints its own).
 * A title that is missing, blank or not a string is the individual's (个人), with no tax number.
 *
 * @example
 * invoiceBuyerOf('jd', { invoiceEasyInfo: { invoiceTitle: '某某科技有限公司', invoiceCode: '91310000MA1K000000' } })
 * // { title: '某某科技有限公司', taxNo: '91310000MA1K000000' }
 */
export function invoiceBuyerOf(channel: Channel | string, raw: unknown): InvoiceBuyer {
  const [title, taxNo] = fieldsOf(channel, raw);
  const cleanTitle = text(title, MAX_TITLE);
  if (cleanTitle === '') return { title: INDIVIDUAL_TITLE, taxNo: '' };
  return { title: cleanTitle, taxNo: text(taxNo, MAX_TAX_NO).toUpperCase() };
}

function fieldsOf(channel: string, raw: unknown): [unknown, unknown] {
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
