import { describe, expect, it } from 'vitest';
import { decideInvoice, decideInvoiceOutcome, type InvoiceAction, type InvoiceFacts } from './decide-invoices.ts';

const facts = (over: Partial<InvoiceFacts> = {}): InvoiceFacts => ({
  orderId: 'shop:1',
  shop: 'shop',
  point: 'paid',
  paidFen: 27590,
  cod: false,
  shipped: false,
  fullyRefunded: false,
  cancelled: false,
  buyer: { title: '某某科技有限公司', taxNo: '91310000MA1K000000' },
  blue: null,
  red: false,
  ...over,
});
const blue = { invoiceNo: 'FP000000000001', amountFen: 27590, title: '某某科技有限公司', taxNo: '91310000MA1K000000' };

describe('decideInvoice', () => {
  it('asks for the blue invoice of a paid order of a shop invoicing once paid, for what was paid, to the buyer title', () => {
    expect(decideInvoice(facts())).toEqual({
      kind: 'request',
      request: { key: 'shop:1:blue', orderId: 'shop:1', shop: 'shop', kind: 'blue', title: '某某科技有限公司', taxNo: '91310000MA1K000000', amountFen: 27590 },
    });
  });

  it('makes the invoice out to an individual (个人), with no taxpayer number, when the order asked for no title', () => {
    expect(decideInvoice(facts({ buyer: null }))).toMatchObject({ kind: 'request', request: { title: '个人', taxNo: '' } });
  });

  it('waits for the parcel when the shop invoices once shipped, and asks once it left the warehouse', () => {
    expect(decideInvoice(facts({ point: 'shipped' }))).toEqual({ kind: 'await_shipment' });
    expect(decideInvoice(facts({ point: 'shipped', shipped: true }))).toMatchObject({ kind: 'request', request: { kind: 'blue' } });
  });

  it('waits for delivery of a cash-on-delivery order even when the shop invoices once paid', () => {
    expect(decideInvoice(facts({ cod: true }))).toEqual({ kind: 'await_shipment' });
    expect(decideInvoice(facts({ cod: true, shipped: true }))).toMatchObject({ kind: 'request' });
  });

  it('asks nothing of a shop that switched invoicing off, of an order refunded before it was invoiced, or of one that paid nothing', () => {
    expect(decideInvoice(facts({ point: 'off' }))).toEqual({ kind: 'none', why: 'off' });
    expect(decideInvoice(facts({ fullyRefunded: true }))).toEqual({ kind: 'none', why: 'refunded_before_invoicing' });
    expect(decideInvoice(facts({ paidFen: 0 }))).toEqual({ kind: 'none', why: 'nothing_paid' });
    // A cancelled order waiting for its parcel stops waiting: its parcel will not go.
    expect(decideInvoice(facts({ point: 'shipped', cancelled: true }))).toEqual({ kind: 'none', why: 'cancelled' });
  });

  it('asks for the red-letter reversal of an invoiced order refunded in full, the negative of its blue invoice, naming it', () => {
    expect(decideInvoice(facts({ blue, fullyRefunded: true }))).toEqual({
      kind: 'request',
      request: { key: 'shop:1:red', orderId: 'shop:1', shop: 'shop', kind: 'red', title: blue.title, taxNo: blue.taxNo, amountFen: -27590, blueInvoiceNo: 'FP000000000001' },
    });
    // Even once the shop switched invoicing off: the invoice it issued must still be reversed.
    expect(decideInvoice(facts({ blue, fullyRefunded: true, point: 'off' }))).toMatchObject({ kind: 'request', request: { kind: 'red' } });
  });

  it('asks nothing more of an invoiced order not refunded in full, nor of one already reversed', () => {
    expect(decideInvoice(facts({ blue }))).toEqual({ kind: 'none', why: 'invoiced' });
    expect(decideInvoice(facts({ blue, fullyRefunded: true, red: true }))).toEqual({ kind: 'none', why: 'reversed' });
  });
});

describe('decideInvoiceOutcome', () => {
  const request = (orderId: string, kind: 'blue' | 'red'): InvoiceAction => ({ kind: 'request', request: { key: `${orderId}:${kind}`, orderId, shop: 's', kind, title: '个人', taxNo: '', amountFen: kind === 'blue' ? 100 : -100 } });

  it('records what the service issued, retries what it could not answer, dead-letters what it refused', () => {
    const actions = new Map<string, InvoiceAction>([
      ['a', request('a', 'blue')],
      ['b', request('b', 'blue')],
      ['c', request('c', 'red')],
      ['d', { kind: 'await_shipment' }],
      ['e', { kind: 'none', why: 'off' }],
      ['f', request('f', 'blue')],
    ]);
    const answers = new Map([
      ['a:blue', { kind: 'ok' as const, body: { invoiceNo: 'FP1' } }],
      ['b:blue', { kind: 'transient' as const, error: 'HTTP 503' }],
      ['c:red', { kind: 'rejected' as const, error: 'HTTP 409 already reversed' }],
      ['f:blue', { kind: 'ok' as const, body: {} }],
    ]);
    const out = decideInvoiceOutcome(actions, (key) => answers.get(key));
    expect(out.issued).toEqual([{ orderId: 'a', kind: 'blue', shop: 's', invoiceNo: 'FP1', title: '个人', taxNo: '', amountFen: 100 }]);
    expect(Object.fromEntries(out.results)).toEqual({
      a: { kind: 'moved' },
      b: { kind: 'retry', error: 'HTTP 503' },
      c: { kind: 'dead', error: 'red invoice refused: HTTP 409 already reversed' },
      d: { kind: 'moved' },
      e: { kind: 'moved' },
      f: { kind: 'retry', error: 'invoice service answered f:blue without an invoiceNo' },
    });
    expect(out.awaiting).toEqual(['d']);
    expect(out.settled).toEqual(['a', 'e']);
  });

  it('treats an item the service did not answer at all as transient', () => {
    const out = decideInvoiceOutcome(new Map([['a', request('a', 'blue')]]), () => undefined);
    expect(out.results.get('a')).toEqual({ kind: 'retry', error: 'invoice service gave no answer for a:blue' });
  });
});
