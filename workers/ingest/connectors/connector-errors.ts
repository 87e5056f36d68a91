import type { Channel } from '../../../streams/canonical-order.ts';

/** A platform call that failed: unreachable, timed out, or answered with an HTTP error. */
export class PlatformRequestError extends Error {
  readonly code = 'PLATFORM_REQUEST';
  override name = 'PlatformRequestError';
  constructor(
    readonly channel: Channel,
    /** What was called, e.g. `GET /router/rest`. */
    readonly call: string,
    /** The HTTP status, or undefined when no answer came. */
    readonly status: number | undefined,
    detail: string,
  ) {
    super(`${channel} ${call}: ${status === undefined ? detail : `HTTP ${status}: ${detail}`}`);
  }
}

/** A platform answered, but not with what its API promises (an API error, or a field missing). */
export class PlatformResponseError extends Error {
  readonly code = 'PLATFORM_RESPONSE';
  override name = 'PlatformResponseError';
  constructor(
    readonly channel: Channel,
    readonly call: string,
    detail: string,
  ) {
    super(`${channel} ${call}: ${detail}`);
  }
}

/** The platform kept answering 429 after we waited out every Retry-After we were allowed to. */
export class RateLimitedError extends Error {
  readonly code = 'RATE_LIMITED';
  override name = 'RateLimitedError';
  constructor(
    readonly channel: Channel,
    readonly call: string,
    readonly waits: number,
  ) {
    super(`${channel} ${call}: still rate limited (429) after waiting ${waits} times as told by Retry-After; lower the poll frequency or ask the platform for a higher call limit`);
  }
}

/** A connector set up in a way that cannot work; the message names the setting. */
export class ConnectorConfigError extends Error {
  readonly code = 'CONNECTOR_CONFIG';
  override name = 'ConnectorConfigError';
}
