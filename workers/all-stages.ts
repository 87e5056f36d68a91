import type { StageName } from '../streams/pipeline.ts';
import { dedupeStage } from './dedupe/dedupe-stage.ts';
import { ingestStage } from './ingest/ingest-stage.ts';
import { invoiceStage } from './invoice/invoice-stage.ts';
import { notifyStage } from './notify/notify-stage.ts';
import { pickStage } from './pick/pick-stage.ts';
import { pointsStage } from './points/points-stage.ts';
import { pricingStage } from './pricing/pricing-stage.ts';
import { reviewStage } from './review/review-stage.ts';
import { routingStage } from './routing/routing-stage.ts';
import type { Stage } from './stage.ts';
import { waybillStage } from './waybill/waybill-stage.ts';

/** Every stage by name: what `ordersurge worker --stage NAME` runs. */
export const ALL_STAGES: Record<StageName, Stage<any>> = {
  ingest: ingestStage,
  dedupe: dedupeStage,
  pricing: pricingStage,
  routing: routingStage,
  pick: pickStage,
  waybill: waybillStage,
  notify: notifyStage,
  invoice: invoiceStage,
  points: pointsStage,
  review: reviewStage,
};
