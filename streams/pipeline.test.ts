import { describe, expect, it } from 'vitest';
import { NON_CORE_STAGES, PIPELINE, STAGE_FOR_STATUS, STAGES, nextStage, statusesBefore } from './pipeline.ts';

describe('the pipeline definition', () => {
  it('chains every stage to the next, each step starting where the one before left the order', () => {
    expect(STAGES).toEqual(['ingest', 'dedupe', 'pricing', 'routing', 'pick', 'waybill', 'notify', 'invoice', 'points', 'review']);
    for (const [i, s] of PIPELINE.entries()) {
      const after = PIPELINE[i + 1];
      expect(nextStage(s.stage)).toBe(after?.stage);
      // A step starts where the last status-moving step before it left the order.
      const lastTo = PIPELINE.slice(0, i + 1).reverse().find((p) => p.to !== null)?.to;
      if (after?.from) expect(after.from).toBe(lastTo);
    }
  });

  it('derives redrive, peak criticality and the before-waybill statuses from the entries', () => {
    expect(STAGE_FOR_STATUS).toEqual({ received: 'pricing', priced: 'routing', routed: 'pick', picking: 'waybill', waybilled: 'notify' });
    expect([...NON_CORE_STAGES]).toEqual(['notify', 'invoice', 'points', 'review']);
    expect(statusesBefore('waybill')).toEqual(new Set(['awaiting_payment', 'exception', 'received', 'priced', 'routed', 'picking']));
  });
});
