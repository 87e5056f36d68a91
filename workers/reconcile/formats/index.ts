import type { SettlementFormat } from '../settlement-format.ts';
import { alipayStatement } from './alipay-statement.ts';
import { douyinFundFlow } from './douyin-fund-flow.ts';
import { jdSettlement } from './jd-settlement.ts';
import { pddPayments } from './pdd-payments.ts';

/** Every settlement export we read: one per platform that settles into an account of its own. */
export const SETTLEMENT_FORMATS: readonly SettlementFormat[] = [alipayStatement, jdSettlement, douyinFundFlow, pddPayments];

/** The format whose columns a header row has, if any. */
export function formatOfHeader(header: readonly string[]): SettlementFormat | undefined {
  const have = new Set(header.map((h) => h.trim()));
  return SETTLEMENT_FORMATS.find((f) => f.columns.every((c) => have.has(c)));
}

/** The format a platform's files come in. */
export function formatOfChannel(channel: string): SettlementFormat | undefined {
  return SETTLEMENT_FORMATS.find((f) => f.channel === channel);
}
