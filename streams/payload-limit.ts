/** NATS's own default `max_payload`: no message may be larger unless the server says so. */
export const NATS_DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/**
 * The largest raw payload any intake accepts. Half of NATS's default `max_payload`, so the
 * ingest -> dedupe message (the payload once, as `raw`, plus the fields read from it) still fits.
 */
export const DEFAULT_MAX_PAYLOAD_BYTES = 512 * 1024;

/**
 * The configured maximum payload (`ORDERSURGE_MAX_PAYLOAD_BYTES`), the one limit `submit`, the
 * webhook server, the connectors and ingest all check.
 *
 * @example
 * maxPayloadBytes({ ORDERSURGE_MAX_PAYLOAD_BYTES: '262144' }) // 262144
 */
export function maxPayloadBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.ORDERSURGE_MAX_PAYLOAD_BYTES;
  if (raw === undefined || raw === '') return DEFAULT_MAX_PAYLOAD_BYTES;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1024 || value > NATS_DEFAULT_MAX_PAYLOAD) {
    throw new Error(`ORDERSURGE_MAX_PAYLOAD_BYTES: must be an integer between 1024 and ${NATS_DEFAULT_MAX_PAYLOAD}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Why a payload of `bytes` is refused, or undefined when it is within `max`. */
export function oversizeProblem(bytes: number, max: number): string | undefined {
  return bytes > max ? `is ${bytes} bytes, over the maximum payload of ${max} bytes (ORDERSURGE_MAX_PAYLOAD_BYTES)` : undefined;
}
