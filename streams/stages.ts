/** The pipeline's stages in the order an order travels through them. */
export const STAGES = ['ingest', 'dedupe', 'pricing', 'routing', 'waybill', 'notify'] as const;
export type StageName = (typeof STAGES)[number];

export function isStageName(value: string): value is StageName {
  return (STAGES as readonly string[]).includes(value);
}

/** The stage after `stage`, or undefined for the last one. */
export function nextStage(stage: StageName): StageName | undefined {
  return STAGES[STAGES.indexOf(stage) + 1];
}

/**
 * Non-core stages may be deferred in peak mode; the core path (ingest to waybill) never is.
 */
export const DEFERRABLE_STAGES: ReadonlySet<StageName> = new Set(['notify']);
