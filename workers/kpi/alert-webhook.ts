import { recordExternalCall } from '../external-calls.ts';
import { sleep } from '../sleep.ts';

/** What the exception alert sends: to the webhook, as the event, and into the alerts bucket. */
export interface ExceptionAlertEvent {
  alert: 'exception_rate';
  /** `firing` when the alert starts, `resolved` when it ends. */
  status: 'firing' | 'resolved';
  /** The latest complete period the decision was made on (ISO). */
  periodStart: string;
  periodEnd: string;
  /** Consecutive periods at or over the limit, ending with the latest. */
  periods: number;
  /** The rule: the limit (ratio) and the periods it takes. */
  limit: number;
  required: number;
  /** Every period looked at, oldest first, with its rate (null without orders). */
  rates: Array<{ start: string; end: string; orders: number; exceptions: number; rate: number | null }>;
  /** The five most frequent exception types of the latest period. */
  topExceptions: Array<{ type: string; count: number }>;
  /** Who raised it: host and pid of the worker process. */
  raisedBy: string;
}

/**
 * POSTs the alert as JSON to the configured webhook, with the alert's key in `Idempotency-Key`
 * (a receiver may see it again after a lost answer). Any 2xx answer is taken, whatever its body;
 * a 5xx, 429 or network failure is tried again a few times with backoff, a 4xx is not. Returns
 * the last error, or undefined when the webhook took it.
 */
export async function postAlert(url: string, key: string, event: ExceptionAlertEvent, signal: AbortSignal, attempts = 4): Promise<string | undefined> {
  let error = 'not tried';
  for (let attempt = 1; attempt <= attempts && !signal.aborted; attempt++) {
    const started = performance.now();
    let status = 0;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(5000),
      });
      status = res.status;
      await res.body?.cancel();
      error = `POST ${url}: HTTP ${status}`;
    } catch (e) {
      error = `POST ${url}: ${e instanceof Error ? e.message : String(e)}`;
    }
    const outcome = status >= 200 && status < 300 ? 'ok' : status >= 400 && status < 500 && status !== 429 ? 'rejected' : 'transient';
    recordExternalCall('alert_webhook', outcome, (performance.now() - started) / 1000);
    if (outcome === 'ok') return undefined;
    if (outcome === 'rejected') return error;
    if (attempt < attempts) await sleep(1000 * 2 ** (attempt - 1), signal);
  }
  return error;
}
