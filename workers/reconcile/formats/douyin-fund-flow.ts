import { cellOf, chinaTime, chinaTimeText, problem, signedYuan, yuanCell, type EntryKind, type SettlementFormat } from '../settlement-format.ts';

const COLUMNS = ['动账时间', '动账流水号', '动账方向', '动账金额（元）', '动账摘要', '订单号', '子订单号', '账户余额（元）'] as const;

const KINDS: Record<string, EntryKind> = { 订单结算: 'sale', 技术服务费: 'fee', 达人佣金: 'fee', 售后退款: 'refund' };
const SUMMARY_OF: Record<EntryKind, string> = { sale: '订单结算', refund: '售后退款', fee: '技术服务费', other: '提现' };

/**
 * Douyin shop's fund flow (资金流水明细), UTF-8 with a byte-order mark: the amount unsigned,
 * its direction (入账 in, 出账 out) in a column of its own.
 */
export const douyinFundFlow: SettlementFormat = {
  name: 'douyin-fund-flow',
  channel: 'douyin',
  title: 'Douyin fund flow (资金流水明细)',
  encoding: 'utf8',
  columns: COLUMNS,
  preamble: () => [],
  footer: () => [],
  read(row) {
    const txnId = cellOf(row, '动账流水号');
    if (txnId === '') return problem('动账流水号', 'must not be empty');
    const direction = cellOf(row, '动账方向');
    if (direction !== '入账' && direction !== '出账') return problem('动账方向', `must be 入账 or 出账, got ${JSON.stringify(direction)}`);
    const amount = signedYuan(cellOf(row, '动账金额（元）'));
    if (!amount.ok || amount.fen < 0) return problem('动账金额（元）', amount.ok ? 'must not be negative (the direction says which way)' : amount.problem);
    const settledAt = chinaTime(cellOf(row, '动账时间'));
    if (!settledAt) return problem('动账时间', `must be a time like 2026-11-11 08:00:00, got ${JSON.stringify(cellOf(row, '动账时间'))}`);
    return { ok: true, entry: { txnId, externalOrderId: cellOf(row, '订单号'), kind: KINDS[cellOf(row, '动账摘要')] ?? 'other', amountFen: direction === '入账' ? amount.fen : -amount.fen, settledAt } };
  },
  write(e) {
    return [chinaTimeText(e.settledAt), e.txnId, e.amountFen >= 0 ? '入账' : '出账', yuanCell(Math.abs(e.amountFen)), SUMMARY_OF[e.kind], e.externalOrderId, e.externalOrderId === '' ? '' : `${e.externalOrderId}-1`, ''];
  },
};
