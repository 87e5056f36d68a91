import { describe, expect, it } from 'vitest';
import defaultRules from './default-routing-rules.json' with { type: 'json' };
import { lookupProvince } from '../ingest/adapters/province.ts';
import { planRoute, type RouteLine } from './plan-route.ts';
import { planRouting } from './plan-routing.ts';
import { compileRoutingRules, parseRoutingRules, type RoutingRules } from './routing-rules.ts';

const parsed = parseRoutingRules(defaultRules);
if (!parsed.ok) throw new Error(parsed.errors.join('; '));
const rules = compileRoutingRules(parsed.value, 1);

const line = (lineId: string, sku: string, qty: number, valueFen = 5000, gift = false): RouteLine => ({ lineId, sku, qty, gift, valueFen });
const at = (name: string) => {
  const p = lookupProvince(name);
  if (!p) throw new Error(`unknown province ${name}`);
  return { provinceCode: p.code, province: p.name };
};
const everywhere = (sku: string, qty: number) => new Map(['suzhou', 'chengdu', 'guangzhou', 'beijing'].map((w) => [`${sku}|${w}`, qty]));

// Where the default rule file sends each of the 34 provincial-level divisions first.
const FIRST_CHOICE: Record<string, string> = {
  上海: 'suzhou', 江苏: 'suzhou', 浙江: 'suzhou', 安徽: 'suzhou', 福建: 'suzhou', 江西: 'suzhou', 山东: 'suzhou',
  北京: 'beijing', 天津: 'beijing', 河北: 'beijing', 山西: 'beijing', 内蒙古: 'beijing',
  辽宁: 'beijing', 吉林: 'beijing', 黑龙江: 'beijing',
  河南: 'suzhou', 湖北: 'suzhou', 湖南: 'suzhou',
  广东: 'guangzhou', 广西: 'guangzhou', 海南: 'guangzhou', 香港: 'guangzhou', 澳门: 'guangzhou', 台湾: 'guangzhou',
  重庆: 'chengdu', 四川: 'chengdu', 贵州: 'chengdu', 云南: 'chengdu',
  陕西: 'chengdu', 甘肃: 'chengdu', 宁夏: 'chengdu',
  新疆: 'chengdu', 西藏: 'chengdu', 青海: 'chengdu',
};

describe('the default routing rules', () => {
  it('route every one of the 34 provincial-level divisions, by short and by full name, to its region first warehouse', () => {
    expect(Object.keys(FIRST_CHOICE)).toHaveLength(34);
    for (const [short, warehouse] of Object.entries(FIRST_CHOICE)) {
      const full = at(short);
      for (const address of [full, { provinceCode: '', province: short }, { provinceCode: '', province: full.province }]) {
        const plan = planRoute({ orderId: 'o', lines: [line('1', 'TEA', 1)], address }, everywhere('TEA', 9), rules);
        expect(plan.kind === 'ship' && plan.shipments.map((s) => s.warehouse), `${short} via ${JSON.stringify(address)}`).toEqual([warehouse]);
      }
    }
  });

  it('sends a 新疆 order to chengdu even when suzhou has the stock, and says why', () => {
    const plan = planRoute({ orderId: 'o', lines: [line('1', 'TEA', 1)], address: at('新疆维吾尔自治区') }, everywhere('TEA', 9), rules);
    expect(plan).toMatchObject({
      kind: 'ship',
      shipments: [{ warehouse: 'chengdu' }],
      reason: { ruleVersion: 1, region: 'remote', decision: 'ships whole from chengdu', considered: [{ warehouse: 'chengdu', verdict: 'fills' }, { warehouse: 'beijing', verdict: 'not_needed' }, { warehouse: 'suzhou', verdict: 'not_needed' }, { warehouse: 'guangzhou', verdict: 'not_needed' }] },
    });
  });

  it('takes the next warehouse of the list when the first is short, and the catch-all for an unknown place', () => {
    const stock = new Map([['TEA|beijing', 3]]);
    const plan = planRoute({ orderId: 'o', lines: [line('1', 'TEA', 2)], address: at('新疆') }, stock, rules);
    expect(plan).toMatchObject({ kind: 'ship', shipments: [{ warehouse: 'beijing' }] });
    expect(plan.reason.considered[0]).toEqual({ warehouse: 'chengdu', verdict: 'short', detail: 'TEA needs 2, 0 available in chengdu' });
    const nowhere = planRoute({ orderId: 'o', lines: [line('1', 'TEA', 1)], address: { provinceCode: '', province: '' } }, everywhere('TEA', 1), rules);
    expect(nowhere).toMatchObject({ kind: 'ship', shipments: [{ warehouse: 'suzhou' }], reason: { region: 'default' } });
  });
});

describe('splitting', () => {
  const shanghai = at('上海');

  it('splits an order no single warehouse can fill, the gift shipping with its main line', () => {
    const stock = new Map([['TEA|suzhou', 1], ['CUP|beijing', 1], ['SPOON|beijing', 1]]);
    const plan = planRoute({ orderId: 'o', lines: [line('1', 'TEA', 1), line('2', 'CUP', 1), line('2-gift', 'SPOON', 1, 0, true)], address: shanghai }, stock, rules);
    expect(plan.kind).toBe('ship');
    if (plan.kind !== 'ship') return;
    expect(plan.shipments.map((s) => [s.warehouse, s.lines.map((l) => l.lineId)])).toEqual([['suzhou', ['1']], ['beijing', ['2', '2-gift']]]);
    expect(plan.reason.decision).toBe('split: suzhou (1; 5000 fen) + beijing (2, 2-gift; 5000 fen)');
  });

  it('never ships a gift apart from its main line: when they are in different warehouses the order waits', () => {
    const stock = new Map([['TEA|suzhou', 1], ['CUP|beijing', 1], ['SPOON|suzhou', 1]]);
    const plan = planRoute({ orderId: 'o', lines: [line('1', 'TEA', 1), line('2', 'CUP', 1), line('2-gift', 'SPOON', 1, 0, true)], address: shanghai }, stock, rules);
    expect(plan.kind).toBe('backorder');
  });

  it('waits as a backorder when a part of the split is worth less than the minimum', () => {
    const stock = new Map([['TEA|suzhou', 1], ['CUP|beijing', 1]]);
    const plan = planRoute({ orderId: 'o', lines: [line('1', 'TEA', 1, 9000), line('2', 'CUP', 1, 1500)], address: shanghai }, stock, rules);
    expect(plan).toMatchObject({ kind: 'backorder' });
    if (plan.kind !== 'backorder') return;
    expect(plan.detail).toContain("beijing's part is worth 1500 fen, under the minimum 2000 fen");
    // The same split with the minimum lowered ships.
    const lenient = compileRoutingRules({ ...(parsed.ok ? parsed.value : ({} as RoutingRules)), split: { minShipmentValueFen: 1000, maxShipments: 3 } }, 2);
    expect(planRoute({ orderId: 'o', lines: [line('1', 'TEA', 1, 9000), line('2', 'CUP', 1, 1500)], address: shanghai }, stock, lenient).kind).toBe('ship');
  });

  it('is a backorder when even a split cannot place every line', () => {
    const plan = planRoute({ orderId: 'o', lines: [line('1', 'TEA', 2)], address: shanghai }, new Map([['TEA|suzhou', 1], ['TEA|beijing', 1]]), rules);
    expect(plan).toMatchObject({ kind: 'backorder', detail: 'backorder: TEA needs 2, 1 available in suzhou; no other warehouse of east (beijing, guangzhou, chengdu) has it all' });
  });
});

describe('parseRoutingRules', () => {
  it('names an unknown province and a province in two regions', () => {
    const result = parseRoutingRules({
      regions: [
        { code: 'a', provinces: ['新疆', 'Atlantis'], warehouses: ['chengdu'] },
        { code: 'b', provinces: ['Xinjiang'], warehouses: ['suzhou'] },
      ],
      default: ['suzhou'],
      split: { minShipmentValueFen: 0, maxShipments: 2 },
    });
    expect(result).toEqual({ ok: false, errors: ['regions.0.provinces.1: unknown province "Atlantis"', 'regions.1.provinces.0: "Xinjiang" is already in region "a"'] });
  });

  it('names a field of the wrong shape', () => {
    expect(parseRoutingRules({ regions: [], default: [], split: { minShipmentValueFen: -1, maxShipments: 1 } })).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/^default: must list at least one warehouse/), expect.stringMatching(/^split\.minShipmentValueFen: /)],
    });
  });
});

describe('daily capacity', () => {
  const xinjiang = { orderId: 'o', lines: [line('1', 'TEA', 1)], address: at('新疆') };

  it('passes over a warehouse with no parcels left today, and backorders when none has any', () => {
    const plan = planRoute(xinjiang, everywhere('TEA', 9), rules, new Map([['chengdu', 0]]));
    expect(plan.kind === 'ship' && plan.shipments.map((s) => s.warehouse)).toEqual(['beijing']);
    expect(plan.reason.considered[0]).toEqual({ warehouse: 'chengdu', verdict: 'full', detail: 'has shipped its daily capacity today' });
    const none = planRoute(xinjiang, everywhere('TEA', 9), rules, new Map(['chengdu', 'beijing', 'suzhou', 'guangzhou'].map((w) => [w, 0])));
    expect(none).toMatchObject({ kind: 'backorder', detail: expect.stringContaining('at daily capacity') });
  });

  it('counts each new parcel of a batch against its warehouse', () => {
    const orders = ['a', 'b', 'c'].map((id) => ({ ...xinjiang, orderId: id, mergeKey: null }));
    const plan = planRouting(orders, everywhere('TEA', 9), [], rules, new Map([['chengdu', 2]]));
    expect(plan.orders.map((o) => (o.outcome === 'routed' ? o.warehouse : o.outcome))).toEqual(['chengdu', 'chengdu', 'beijing']);
  });
});
