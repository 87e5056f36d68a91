import type { StageName } from './pipeline.ts';

/**
 * Every stream, subject and consumer name derives from a namespace, so several installs (and
 * every test run) share one NATS server without colliding.
 */
export interface Names {
  namespace: string;
  /** The work-queue stream feeding `stage`. */
  stageStream(stage: StageName): string;
  /** Subject of a message for `stage`; the last token is the channel. */
  stageSubject(stage: StageName, channel: string): string;
  /** Wildcard covering every subject of `stage`. */
  stageSubjects(stage: StageName): string;
  /** Durable consumer name of `stage`; all processes of a stage share it. */
  durable(stage: StageName): string;
  deadLetterStream: string;
  deadLetterSubject(stage: StageName): string;
  deferredStream: string;
  /** Where peak mode parks a non-core stage's message; the last token keeps the channel. */
  deferredSubject(stage: StageName, channel: string): string;
  /** Wildcard covering every deferred message of `stage`. */
  deferredSubjects(stage: StageName): string;
  /** Durable consumer that replays `stage`'s deferred messages after a peak. */
  replayDurable(stage: StageName): string;
  /** KV bucket holding the peak mode every worker watches. */
  peakBucket: string;
  /** KV bucket of worker heartbeats (one key per process, expiring): what the console lists. */
  workersBucket: string;
  /** KV bucket of how often each message waited for an outside service (`workers/circuit/message-waits.ts`). */
  waitsBucket: string;
}

export function namesFor(namespace: string): Names {
  return {
    namespace,
    stageStream: (stage) => `${namespace}-${stage}`,
    stageSubject: (stage, channel) => `${namespace}.${stage}.${channel}`,
    stageSubjects: (stage) => `${namespace}.${stage}.*`,
    durable: (stage) => stage,
    deadLetterStream: `${namespace}-dlq`,
    deadLetterSubject: (stage) => `${namespace}.dlq.${stage}`,
    deferredStream: `${namespace}-deferred`,
    deferredSubject: (stage, channel) => `${namespace}.deferred.${stage}.${channel}`,
    deferredSubjects: (stage) => `${namespace}.deferred.${stage}.*`,
    replayDurable: (stage) => `replay-${stage}`,
    peakBucket: `${namespace}-peak`,
    workersBucket: `${namespace}-workers`,
    waitsBucket: `${namespace}-waits`,
  };
}
