import { idempotentPostBatch, type BatchItem, type PostResult } from '../idempotent-post.ts';
import { ServiceUnavailableError } from './service-breaker.ts';

/**
 * One batch call to an outside service behind a breaker (`idempotentPostBatch`, each item under
 * its own idempotency key). A call none of whose items was answered is the service failing as
 * a whole, and throws `ServiceUnavailableError` for the breaker to count; a call with some
 * answers returns them all, the unanswered ones transient.
 */
export async function postBatchOrThrow(url: string, items: readonly BatchItem[], limit: number): Promise<Map<string, PostResult>> {
  const answers = await idempotentPostBatch(url, items, limit);
  const failed = [...answers.values()].find((a) => a.kind === 'transient');
  if (failed && [...answers.values()].every((a) => a.kind === 'transient')) throw new ServiceUnavailableError(failed.error);
  return answers;
}
