/** Why an after-sales command was refused; `code` is stable for scripts, the message is for people. */
export type AftersalesErrorCode = 'NOT_FOUND' | 'INVALID_TRANSITION' | 'INVALID_REFUND' | 'UNKNOWN_WAREHOUSE' | 'ORDER_NOT_PAID';

export class AftersalesError extends Error {
  override name = 'AftersalesError';
  constructor(
    readonly code: AftersalesErrorCode,
    message: string,
  ) {
    super(message);
  }
}
