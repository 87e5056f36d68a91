import { cellOf, chinaTime, chinaTimeText, problem, signedYuan, yuanCell, type EntryKind, type SettlementFormat } from '../settlement-format.ts';

const COLUMNS = ['订单编号', '单据编号', '单据类型', '费用项', '金额', '费用发生时间', '费用结算时间', '结算状态', '商品编号', '店铺名称'] as const;

const KINDS: Record<string, EntryKind> = { 货款: 'sale', 佣金: 'fee', 平台使用费: 'fee', 售后退款: 'refund', 退货款: 'refund' };
const ITEM_OF: Record<EntryKind, string> = { sale: '货款', refund: '售后退款', fee: '佣金', other: '其他' };

/**
 * JD's settlement sheet (结算单明细), GBK: one row per fee item of an order, the amount signed
 * (commission and refunds negative), settled at 费用结算时间.
 */
export const jdSettlement: SettlementFormat = {
  name: 'jd-settlement',
  channel: 'jd',
  title: 'JD settlement sheet (结算单明细)',
  encoding: 'gbk',
  columns: COLUMNS,
  preamble: () => [],
  footer: () => [],
  read(row) {
    const txnId = cellOf(row, '单据编号');
    if (txnId === '') return problem('单据编号', 'must not be empty');
    const amount = signedYuan(cellOf(row, '金额'));
    if (!amount.ok) return problem('金额', amount.problem);
    const settledAt = chinaTime(cellOf(row, '费用结算时间'));
    if (!settledAt) return problem('费用结算时间', `must be a time like 2026-11-11 08:00:00, got ${JSON.stringify(cellOf(row, '费用结算时间'))}`);
    return { ok: true, entry: { txnId, externalOrderId: cellOf(row, '订单编号'), kind: KINDS[cellOf(row, '费用项')] ?? 'other', amountFen: amount.fen, settledAt } };
  },
  write(e) {
    return [e.externalOrderId, e.txnId, e.kind === 'refund' ? '售后单' : '订单', ITEM_OF[e.kind], yuanCell(e.amountFen), chinaTimeText(e.settledAt), chinaTimeText(e.settledAt), '已结算', '', '示例店铺'];
  },
};
