import { z } from 'zod';
import { fenSchema } from './money.ts';

/** The sales channels ordersurge ingests. */
export const CHANNELS = ['tmall', 'jd', 'douyin', 'pdd', 'shop', 'pos'] as const;
export const channelSchema = z.enum(CHANNELS);
export type Channel = z.infer<typeof channelSchema>;

/** What the platform says of the order (not where it is in our pipeline). */
export const channelStatusSchema = z.enum(['pending_payment', 'paid', 'shipped', 'completed', 'cancelled']);
export type ChannelStatus = z.infer<typeof channelStatusSchema>;

export const refundStatusSchema = z.enum(['none', 'partial', 'requested', 'refunded']);
export type RefundStatus = z.infer<typeof refundStatusSchema>;

/**
 * The full receiver, phone and street address. Sealed (`KEYID:BASE64`, streams/pii/) in every
 * message and row: an adapter reads it in clear and the ingest pool task seals it before the order
 * leaves (streams/pii/seal-order.ts); it is opened only where it is needed, the carrier call and
 * the SMS. `phone` is the number that reaches the buyer: the real one on own channels, the
 * virtual number a marketplace hands out on theirs, empty when there is none (never a masked one).
 */
export const contactSchema = z.object({
  receiver: z.string(),
  phone: z.string(),
  street: z.string(),
  detail: z.string(),
  /**
   * Keyed hash of receiver, street and detail (streams/pii/fingerprint.ts): what merge and
   * readdress compare, since the address's shown fields are masked. Set when sealed.
   */
  fingerprint: z.string().optional(),
});
export type Contact = z.infer<typeof contactSchema>;

export const addressSchema = z.object({
  /** Standard Chinese province name, e.g. 新疆维吾尔自治区. */
  province: z.string(),
  /** GB/T 2260 code of the province, e.g. "650000"; empty when the name was not recognised. */
  provinceCode: z.string(),
  city: z.string(),
  district: z.string(),
  /** Masked once sealed (first four characters), like `detail`; the full value is in `contact`. */
  street: z.string(),
  detail: z.string(),
  /** Masked once sealed (林*); the full value is in `contact`. */
  receiver: z.string(),
  /** Masked form only, e.g. 138****0000. */
  phone: z.string(),
  postcode: z.string(),
  /** The full values, sealed (absent on orders stored before sealing existed). */
  contact: contactSchema.optional(),
});
export type Address = z.infer<typeof addressSchema>;

export const orderLineSchema = z.object({
  lineId: z.string().min(1),
  /** The merchant's own SKU code. */
  sku: z.string().min(1),
  platformSkuId: z.string(),
  title: z.string(),
  qty: z.number().int().positive(),
  unitPrice: fenSchema,
  payable: fenSchema.optional(),
  refundStatus: refundStatusSchema,
  gift: z.boolean(),
});
export type OrderLine = z.infer<typeof orderLineSchema>;

export const amountsSchema = z.object({
  goods: fenSchema,
  discount: fenSchema,
  platformDiscount: fenSchema.optional(),
  shopDiscount: fenSchema.optional(),
  shipping: fenSchema,
  paid: fenSchema,
});
export type Amounts = z.infer<typeof amountsSchema>;

/** The electronic invoice (电子发票) the buyer asked for: its title (发票抬头) and taxpayer number (纳税人识别号, '' for an individual). */
export const invoiceRequestSchema = z.object({
  title: z.string().min(1),
  taxNo: z.string(),
});
export type InvoiceRequest = z.infer<typeof invoiceRequestSchema>;

/** The one order shape every channel adapter produces (`../shared/spec/channels.md`). */
export const canonicalOrderSchema = z.object({
  /** `CHANNEL:EXTERNAL_ID`, e.g. `shop:5012345`. */
  id: z.string().min(3),
  channel: channelSchema,
  /** The shop account it came from (its code); a channel's default account is named after the channel. */
  shop: z.string().min(1),
  externalId: z.string().min(1),
  channelStatus: channelStatusSchema,
  refundStatus: refundStatusSchema,
  placedAt: z.string(),
  paidAt: z.string().nullable(),
  updatedAt: z.string(),
  /** Monotonic per order, from the platform's modified time (epoch milliseconds). */
  version: z.number().int().nonnegative(),
  buyer: z.string(),
  address: addressSchema,
  lines: z.array(orderLineSchema).min(1),
  amounts: amountsSchema,
  /** Coupon codes the buyer claimed (own channels). */
  coupons: z.array(z.string()),
  buyerMessage: z.string(),
  sellerMemo: z.string(),
  paymentMethod: z.enum(['online', 'cod']),
  /** Present when the payload asks for an invoice made out to a title (`workers/ingest/adapters/invoice-request.ts`); absent: an individual's. */
  invoice: invoiceRequestSchema.optional(),
  raw: z.unknown(),
});
export type CanonicalOrder = z.infer<typeof canonicalOrderSchema>;

/** One problem with one field of a channel payload: `line_items[2].quantity: must be a positive integer`. */
export interface FieldError {
  path: string;
  message: string;
}

export type NormalizeResult = { ok: true; order: CanonicalOrder } | { ok: false; errors: FieldError[] };

/** A channel adapter: a pure function from the platform's payload to the canonical order. */
export type ChannelAdapter = (payload: unknown) => NormalizeResult;

export function orderIdOf(channel: Channel, externalId: string): string {
  return `${channel}:${externalId}`;
}

export function formatFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join('; ');
}
