import { batchOf } from './batch-endpoint.ts';
import { faultGate, notFound, startJsonServer, type Faults, type Gate, type JsonResponse, type RunningServer } from './json-server.ts';

/** Invoices one batch call may carry, as batch e-invoice APIs commonly allow. */
export const INVOICE_BATCH_LIMIT = 100;

interface Invoice {
  invoiceNo: string;
  orderId: string;
  kind: 'blue' | 'red';
  title: string;
  taxNo: string;
  amountFen: number;
  /** A red invoice: the blue one it reverses. */
  reverses?: string;
}

/**
 * An electronic invoice (电子发票) service. `POST /invoices/batch` takes up to 100 `{key,
 * orderId, kind: 'blue' | 'red', title, taxNo?, amountFen, blueInvoiceNo?}` items and answers
 * each on its own: a blue item issues an invoice, a red one the red-letter reversal (冲红) of the
 * blue invoice it names (a blue invoice is reversed at most once: a second red of another key is
 * refused, 409). The same key always answers the same invoice without issuing another (200
 * instead of 201). `GET /invoices?orderId=` lists an order's invoices; `GET /stats` counts them
 * (`blue`, `red`), `requests` the items that reached the service, `duplicates` those answered
 * from an earlier key, and `calls` every HTTP call to /invoices, those the fault gate answered
 * 503 included.
 */
export async function startInvoiceSimulator(port: number, faults: Faults): Promise<RunningServer> {
  const byKey = new Map<string, Invoice>();
  const byNo = new Map<string, Invoice>();
  /** Blue invoice numbers already reversed, and by which red one. */
  const reversed = new Map<string, string>();
  let requests = 0;
  let duplicates = 0;
  let calls = 0;
  const issue = (key: string, body: unknown): JsonResponse => {
    requests++;
    const item = body as Partial<Invoice> & { blueInvoiceNo?: unknown };
    if (typeof item.orderId !== 'string' || item.orderId === '') return { status: 400, body: { error: 'orderId: required string' } };
    if (item.kind !== 'blue' && item.kind !== 'red') return { status: 400, body: { error: `kind: must be blue or red, got ${JSON.stringify(item.kind)}` } };
    if (typeof item.title !== 'string' || item.title === '') return { status: 400, body: { error: 'title: required string' } };
    if (!Number.isInteger(item.amountFen)) return { status: 400, body: { error: 'amountFen: required integer (fen)' } };
    const known = byKey.get(key);
    if (known) {
      duplicates++;
      return { status: 200, body: { invoiceNo: known.invoiceNo, kind: known.kind } };
    }
    let reverses: string | undefined;
    if (item.kind === 'red') {
      const blue = typeof item.blueInvoiceNo === 'string' ? byNo.get(item.blueInvoiceNo) : undefined;
      if (!blue || blue.kind !== 'blue') return { status: 400, body: { error: `blueInvoiceNo: no blue invoice ${JSON.stringify(item.blueInvoiceNo)}` } };
      const earlier = reversed.get(blue.invoiceNo);
      if (earlier) return { status: 409, body: { error: `${blue.invoiceNo}: already reversed by ${earlier}` } };
      reverses = blue.invoiceNo;
    }
    const invoice: Invoice = {
      invoiceNo: `${item.kind === 'blue' ? 'FP' : 'HC'}${String(byKey.size + 1).padStart(12, '0')}`,
      orderId: item.orderId,
      kind: item.kind,
      title: item.title,
      taxNo: typeof item.taxNo === 'string' ? item.taxNo : '',
      amountFen: item.amountFen as number,
      ...(reverses ? { reverses } : {}),
    };
    byKey.set(key, invoice);
    byNo.set(invoice.invoiceNo, invoice);
    if (reverses) reversed.set(reverses, invoice.invoiceNo);
    return { status: 201, body: { invoiceNo: invoice.invoiceNo, kind: invoice.kind } };
  };
  const gate = faultGate(faults);
  const countingGate: Gate = (req) => {
    if (req.path.startsWith('/invoices')) calls++;
    return gate(req);
  };
  return startJsonServer(port, countingGate, ({ method, path, query, body }) => {
    if (method === 'POST' && path === '/invoices/batch') return batchOf(body, INVOICE_BATCH_LIMIT, issue);
    if (method === 'GET' && path === '/invoices') {
      const orderId = query.get('orderId');
      return { status: 200, body: { invoices: [...byKey.values()].filter((i) => orderId === null || i.orderId === orderId) } };
    }
    if (method === 'GET' && path === '/stats') {
      const blue = [...byKey.values()].filter((i) => i.kind === 'blue').length;
      return { status: 200, body: { blue, red: byKey.size - blue, requests, duplicates, calls } };
    }
    return notFound;
  });
}
