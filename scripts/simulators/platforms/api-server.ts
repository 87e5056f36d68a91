import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Faults, JsonRequest, RunningServer } from '../json-server.ts';
import type { RateLimiter } from './rate-limiter.ts';

/** A JSON answer that may carry headers (Retry-After on a 429, Shopify's Link for paging). */
export interface ApiResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}
export type ApiHandler = (req: JsonRequest) => ApiResponse | Promise<ApiResponse>;

/** `Faults` plus a deterministic failure rule, so a test can fail exactly the call it means to. */
export interface PlatformFaults extends Faults {
  /** Calls this returns true for are answered 503, whatever `failRate` says. */
  failWhen?: ((req: JsonRequest) => boolean) | undefined;
}

export interface ApiServerOptions {
  faults: PlatformFaults;
  limiter: RateLimiter;
  /** Body of a 429 in the platform's own words. */
  rateLimitedBody(retryAfterS: number): unknown;
  /** Counts calls that reached the API (not the /sim control paths). */
  onCall?: () => void;
  /** Counts calls failed on purpose. */
  onInjectedFailure?: () => void;
}

/** Control paths of every simulator: never rate-limited or failed, so tests can always read them. */
const CONTROL_PREFIX = '/sim/';

/**
 * The HTTP shell of a platform simulator on 127.0.0.1: the same fault injection as
 * `startJsonServer` (latency, a share of 503s) plus a call limit answered 429 with Retry-After,
 * and response headers. Port 0 picks a free port.
 */
export async function startApiServer(port: number, opts: ApiServerOptions, handler: ApiHandler): Promise<RunningServer> {
  const respond = async (req: http.IncomingMessage, text: string): Promise<ApiResponse> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        return { status: 400, body: { error: 'body: not valid JSON' } };
      }
    }
    const request: JsonRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body };
    if (!url.pathname.startsWith(CONTROL_PREFIX)) {
      opts.onCall?.();
      // The limit is checked before the latency: a platform refuses an over-limit call at once.
      const retryAfterS = opts.limiter.take();
      if (retryAfterS !== undefined) {
        return { status: 429, body: opts.rateLimitedBody(retryAfterS), headers: { 'retry-after': String(retryAfterS) } };
      }
      if (opts.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, opts.faults.latencyMs));
      if (opts.faults.failWhen?.(request) || (opts.faults.failRate > 0 && Math.random() < opts.faults.failRate)) {
        opts.onInjectedFailure?.();
        return { status: 503, body: { error: 'injected failure' } };
      }
    }
    try {
      return await handler(request);
    } catch (error) {
      return { status: 500, body: { error: error instanceof Error ? error.message : String(error) } };
    }
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void respond(req, Buffer.concat(chunks).toString('utf8')).then(({ status, body, headers }) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} is in use: stop what holds it or choose another port`) : error),
    );
    server.listen(port, '127.0.0.1', resolve);
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
