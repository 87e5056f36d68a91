import type { JetStreamManager } from '@nats-io/jetstream';
import type { Names } from './names.ts';
import { readQueueDepths, type QueueDepth } from './queue-depth.ts';

export interface StageStatus extends QueueDepth {
  deadLetters: number;
}

/** Queue depth and dead letters of every stage: what `ordersurge status` and the console show. */
export async function readPipelineStatus(jsm: JetStreamManager, names: Names): Promise<{ stages: StageStatus[]; deadLetters: number }> {
  const [depths, dlq] = await Promise.all([
    readQueueDepths(jsm, names),
    jsm.streams.info(names.deadLetterStream, { subjects_filter: `${names.namespace}.dlq.*` }),
  ]);
  const perSubject = dlq.state.subjects ?? {};
  return {
    stages: depths.map((d) => ({ ...d, deadLetters: perSubject[names.deadLetterSubject(d.stage)] ?? 0 })),
    deadLetters: dlq.state.messages,
  };
}
