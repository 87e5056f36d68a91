import { cellOf, chinaTime, chinaTimeText, problem, signedYuan, yuanCell, type EntryKind, type SettlementFormat } from '../settlement-format.ts';

const COLUMNS = ['商户订单号', '发生时间', '收入金额(+元)', '支出金额(-元)', '账务类型', '备注', '账务流水号'] as const;

const KINDS: Record<string, EntryKind> = { 交易收入: 'sale', 退款: 'refund', 技术服务费: 'fee' };
const TYPE_OF: Record<EntryKind, string> = { sale: '交易收入', refund: '退款', fee: '技术服务费', other: '其他' };

/** Pinduoduo's payment details (货款明细), UTF-8: income and expense in two columns, the expense written negative. */
export const pddPayments: SettlementFormat = {
  name: 'pdd-payments',
  channel: 'pdd',
  title: 'Pinduoduo payment details (货款明细)',
  encoding: 'utf8',
  columns: COLUMNS,
  preamble: () => [],
  footer: () => [],
  read(row) {
    const txnId = cellOf(row, '账务流水号');
    if (txnId === '') return problem('账务流水号', 'must not be empty');
    const income = cellOf(row, '收入金额(+元)');
    const expense = cellOf(row, '支出金额(-元)');
    const column = income !== '' && income !== '0.00' ? '收入金额(+元)' : '支出金额(-元)';
    const text = column === '收入金额(+元)' ? income : expense === '' ? '0' : expense.startsWith('-') ? expense : `-${expense}`;
    const amount = signedYuan(text);
    if (!amount.ok) return problem(column, amount.problem);
    const settledAt = chinaTime(cellOf(row, '发生时间'));
    if (!settledAt) return problem('发生时间', `must be a time like 2026-11-11 08:00:00, got ${JSON.stringify(cellOf(row, '发生时间'))}`);
    return { ok: true, entry: { txnId, externalOrderId: cellOf(row, '商户订单号'), kind: KINDS[cellOf(row, '账务类型')] ?? 'other', amountFen: amount.fen, settledAt } };
  },
  write(e) {
    return [e.externalOrderId, chinaTimeText(e.settledAt), e.amountFen >= 0 ? yuanCell(e.amountFen) : '0.00', e.amountFen < 0 ? yuanCell(e.amountFen) : '0.00', TYPE_OF[e.kind], '', e.txnId];
  },
};
