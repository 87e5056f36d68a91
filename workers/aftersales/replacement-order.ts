/**
 * The replacement an exchange ships, as an order of its own: it goes through routing (stock
 * reserved in whichever warehouse the rules pick), pick, waybill and notify like any order, under
 * those stages' own keys per order and step, so nothing of it is done twice on a redelivery.
 * Pure: the shell (`aftersales-tickets.ts`) inserts what this decides.
 */

/** What the replacement copies from the order it replaces. */
export interface OriginalOrder {
  id: string;
  channel: string;
  externalId: string;
  shop: string;
  buyer: string;
  /** As stored (contact details sealed): copied as it is, never opened. */
  address: unknown;
  lines: readonly { lineId: string; sku: string; platformSkuId: string; title: string; unitPriceFen: number }[];
}

/** An exchange ticket's units: which of the original's lines and how many. */
export interface ExchangedLine {
  lineId: string;
  qty: number;
}

export interface ReplacementOrder {
  id: string;
  channel: string;
  externalId: string;
  shop: string;
  buyer: string;
  address: unknown;
  /** List value of the units sent; the whole of it is discounted: the buyer paid with the first order. */
  goodsFen: number;
  /** The seller's note on the order: which ticket and order it replaces. */
  memo: string;
  lines: { lineId: string; sku: string; platformSkuId: string; title: string; qty: number; unitPriceFen: number }[];
}

/** The marker between the original's external id and the ticket: `1001#x7`. */
const SUFFIX = '#x';

/**
 * The replacement order's id for `ticketId` of `original`: derived, so the same ticket always
 * names the same order (`tmall:1001` -> `tmall:1001#x7`).
 */
export function replacementOrderId(original: { channel: string; externalId: string }, ticketId: number): string {
  return `${original.channel}:${original.externalId}${SUFFIX}${ticketId}`;
}

/**
 * The external id of the platform order a replacement stands for: the platform knows only the
 * original (`1001#x7` -> `1001`); any other id is returned as it is. Messages to the buyer through
 * a marketplace go under the original order.
 *
 * @example
 * platformExternalId('1001#x7') // '1001'
 * platformExternalId('1001')    // '1001'
 */
export function platformExternalId(externalId: string): string {
  return externalId.replace(/#x\d+$/, '');
}

/**
 * Decides the replacement order of exchange ticket `ticketId`: the same shop, buyer and address,
 * the exchanged units at their list price, nothing payable (goods discounted in full, no shipping),
 * paid online (a replacement is never cash on delivery). Throws when the ticket names a line the
 * order does not have (the ticket was valued against the order, so that is a broken invariant).
 *
 * @example
 * planReplacement({ id: 'tmall:1001', channel: 'tmall', externalId: '1001', shop: 'tmall', buyer: 'b', address: {}, lines: [{ lineId: '2', sku: 'CUP', platformSkuId: '', title: 'cup', unitPriceFen: 4200 }] }, 7, [{ lineId: '2', qty: 1 }])
 * // { id: 'tmall:1001#x7', externalId: '1001#x7', goodsFen: 4200, lines: [{ lineId: '2', sku: 'CUP', qty: 1, unitPriceFen: 4200, ... }], ... }
 */
export function planReplacement(original: OriginalOrder, ticketId: number, exchanged: readonly ExchangedLine[]): ReplacementOrder {
  const byId = new Map(original.lines.map((l) => [l.lineId, l]));
  const lines = exchanged.map((e) => {
    const line = byId.get(e.lineId);
    if (!line) throw new Error(`ticket ${ticketId}: line ${e.lineId} is not a line of ${original.id}`);
    return { lineId: line.lineId, sku: line.sku, platformSkuId: line.platformSkuId, title: line.title, qty: e.qty, unitPriceFen: line.unitPriceFen };
  });
  if (lines.length === 0) throw new Error(`ticket ${ticketId}: an exchange with no units`);
  return {
    id: replacementOrderId(original, ticketId),
    channel: original.channel,
    externalId: `${original.externalId}${SUFFIX}${ticketId}`,
    shop: original.shop,
    buyer: original.buyer,
    address: original.address,
    goodsFen: lines.reduce((sum, l) => sum + l.unitPriceFen * l.qty, 0),
    memo: `exchange: replaces ${lines.map((l) => `${l.sku} x${l.qty}`).join(', ')} of ${original.id} (after-sales ticket ${ticketId})`,
    lines,
  };
}
