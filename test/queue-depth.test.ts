import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readQueueDepths } from '../streams/queue-depth.ts';
import { STAGES } from '../streams/pipeline.ts';
import { createTestPipeline, type TestPipeline } from './pipeline-harness.ts';

describe('queue depths on a topology older than the code', () => {
  let p: TestPipeline;
  beforeAll(async () => {
    p = await createTestPipeline();
  });
  afterAll(async () => {
    await p.close();
  });

  it('reads every stage, and names the missing stage and the fix when a stage has no stream yet', async () => {
    expect((await readQueueDepths(p.bus.jsm, p.names)).map((d) => d.stage)).toEqual([...STAGES]);
    // As after a pull that adds a stage, before `streams apply`.
    await p.bus.jsm.streams.delete(p.names.stageStream('waybill'));
    await expect(readQueueDepths(p.bus.jsm, p.names)).rejects.toThrow(`stage waybill: stream not found (${p.names.stageStream('waybill')}, consumer ${p.names.durable('waybill')}): apply the topology with \`ordersurge streams apply\` or \`npm run setup\``);
  });
});
