// The pricing engine's public surface: validate at the edge, compile a rule set once per version,
// price orders with the compiled set, explain a result, check a platform-priced payment.
export { apportion } from './apportion.ts';
export { compileRuleSet, type CompiledRuleSet } from './compile-rule-set.ts';
export { explain } from './explain.ts';
export { parsePriceOrder, priceOrderSchema, type PriceOrder, type PriceOrderLine } from './order-input.ts';
export type { ParseResult } from './parse-result.ts';
export {
  checkPlatformPayment,
  isPlatformPriced,
  PLATFORM_PRICED_CHANNELS,
  type FundingSource,
  type PlatformDiscount,
  type PlatformPaidLine,
  type PlatformPaymentInput,
  type PlatformPaymentResult,
} from './platform-payment.ts';
export { price } from './price.ts';
export type { PricedLine, PriceResult, TraceEntry } from './price-result.ts';
export { parseRuleSet, ruleSetSchema, type Promotion, type RuleSet } from './rule-set.ts';
