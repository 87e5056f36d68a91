import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface JsonRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}
export interface JsonResponse {
  status: number;
  body: unknown;
  /** Extra response headers (Retry-After on a 429, Shopify's Link for paging). */
  headers?: Record<string, string>;
  /** The answer's JSON already written, sent instead of `body`: a number a double cannot hold (Shopify's 64-bit ids) survives only as text. */
  rawBody?: string;
}
export type JsonHandler = (req: JsonRequest) => JsonResponse | Promise<JsonResponse>;

/**
 * Runs before the handler: answers in its place (a 429, an injected 503) or lets the request
 * through with undefined, possibly after a delay.
 */
export type Gate = (req: JsonRequest) => Promise<JsonResponse | undefined>;

/** Latency and failure injection shared by every simulator. */
export interface Faults {
  /** Added to every response, in milliseconds. */
  latencyMs: number;
  /** Share of requests answered 503, between 0 and 1. */
  failRate: number;
}

export interface RunningServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

/**
 * The plain simulator gate: `faults.latencyMs` of delay, then a `faults.failRate` share of 503s.
 * `POST /admin/faults` with `{ latencyMs?, failRate? }` changes them while the simulator runs (a
 * fault run takes the carrier down and up again in another process); it answers the faults now.
 */
export function faultGate(faults: Faults): Gate {
  return async ({ method, path, body }) => {
    if (path === '/admin/faults') return method === 'POST' ? setFaults(faults, body) : { status: 200, body: faults };
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
    if (faults.failRate > 0 && Math.random() < faults.failRate) return { status: 503, body: { error: 'injected failure' } };
    return undefined;
  };
}

function setFaults(faults: Faults, body: unknown): JsonResponse {
  const change = (body ?? {}) as Partial<Record<keyof Faults, unknown>>;
  const { latencyMs, failRate } = change;
  if (latencyMs !== undefined && !(typeof latencyMs === 'number' && Number.isInteger(latencyMs) && latencyMs >= 0)) {
    return { status: 400, body: { error: 'latencyMs: must be a whole number of milliseconds, 0 or more' } };
  }
  if (failRate !== undefined && !(typeof failRate === 'number' && failRate >= 0 && failRate <= 1)) {
    return { status: 400, body: { error: 'failRate: must be a number between 0 and 1' } };
  }
  if (latencyMs !== undefined) faults.latencyMs = latencyMs;
  if (failRate !== undefined) faults.failRate = failRate;
  return { status: 200, body: faults };
}

/** A small JSON-over-HTTP server on 127.0.0.1; every request passes `gate` first. Port 0 picks a free port. */
export async function startJsonServer(port: number, gate: Gate, handler: JsonHandler): Promise<RunningServer> {
  const respond = async (req: http.IncomingMessage, text: string): Promise<JsonResponse> => {
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
    try {
      return (await gate(request)) ?? (await handler(request));
    } catch (error) {
      return { status: 500, body: { error: error instanceof Error ? error.message : String(error) } };
    }
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void respond(req, Buffer.concat(chunks).toString('utf8')).then(({ status, body, headers, rawBody }) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(rawBody ?? JSON.stringify(body));
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

export const notFound: JsonResponse = { status: 404, body: { error: 'not found' } };
