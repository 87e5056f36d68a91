import { cellOf, chinaTime, chinaTimeText, problem, signedYuan, yuanCell, type EntryKind, type SettlementFormat } from '../settlement-format.ts';

const COLUMNS = ['账务流水号', '业务流水号', '商户订单号', '商品名称', '发生时间', '对方账号', '收入金额（+元）', '支出金额（-元）', '账户余额（元）', '交易渠道', '业务类型', '备注'] as const;

/** Tmall trades settle into Alipay under the merchant order number `T200P` + the trade id. */
const TMALL_ORDER = /^T200P(\d+)$/;

const KINDS: Record<string, EntryKind> = { 在线支付: 'sale', 交易付款: 'sale', 交易退款: 'refund', 软件服务费: 'fee', 技术服务费: 'fee', 佣金: 'fee' };
const TYPE_OF: Record<EntryKind, string> = { sale: '交易付款', refund: '交易退款', fee: '软件服务费', other: '提现' };

/**
 * Tmall's settlement: the shop's Alipay account statement (支付宝账务明细), GBK, with '#' lines
 * before the header and after the rows; income and expense in two columns. The model follows the
 * statement's published column names; the business types are the ones a Tmall shop sees most.
 */
export const alipayStatement: SettlementFormat = {
  name: 'alipay-statement',
  channel: 'tmall',
  title: 'Alipay account statement (支付宝账务明细)',
  encoding: 'gbk',
  columns: COLUMNS,
  preamble: (from, to) => ['#支付宝账务明细查询', '#账号：[20880000000000000156]', `#起始日期：[${chinaTimeText(from)}]   终止日期：[${chinaTimeText(to)}]`, '#-----------------------------------------账务明细列表----------------------------------------'],
  footer: (entries) => ['#-----------------------------------------账务明细列表结束------------------------------------', `#共${entries}笔`],
  read(row) {
    const txnId = cellOf(row, '账务流水号');
    if (txnId === '') return problem('账务流水号', 'must not be empty');
    const income = cellOf(row, '收入金额（+元）');
    const expense = cellOf(row, '支出金额（-元）');
    const amount = signedYuan(income !== '' && income !== '0.00' ? income : expense === '' ? '0' : expense.startsWith('-') ? expense : `-${expense}`);
    if (!amount.ok) return problem(income !== '' ? '收入金额（+元）' : '支出金额（-元）', amount.problem);
    const settledAt = chinaTime(cellOf(row, '发生时间'));
    if (!settledAt) return problem('发生时间', `must be a time like 2026-11-11 08:00:00, got ${JSON.stringify(cellOf(row, '发生时间'))}`);
    const merchantOrder = cellOf(row, '商户订单号');
    return { ok: true, entry: { txnId, externalOrderId: TMALL_ORDER.exec(merchantOrder)?.[1] ?? '', kind: KINDS[cellOf(row, '业务类型')] ?? 'other', amountFen: amount.fen, settledAt } };
  },
  write(e) {
    const order = e.externalOrderId === '' ? '' : `T200P${e.externalOrderId}`;
    return [e.txnId, `${e.txnId}B`, order, e.kind === 'sale' ? '天猫商品' : '', chinaTimeText(e.settledAt), e.kind === 'sale' ? 'buyer@example.com' : '', e.amountFen >= 0 ? yuanCell(e.amountFen) : '', e.amountFen < 0 ? yuanCell(-e.amountFen) : '', '', '支付宝', TYPE_OF[e.kind], e.kind === 'fee' ? `天猫佣金 ${e.externalOrderId}` : ''];
  },
};
