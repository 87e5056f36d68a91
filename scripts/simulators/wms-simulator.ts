import { batchOf } from './batch-endpoint.ts';
import { faultGate, notFound, startJsonServer, type Faults, type JsonResponse, type RunningServer } from './json-server.ts';

/** Pick tasks one batch call may carry. */
export const WMS_BATCH_LIMIT = 100;

export type PickTaskStatus = 'open' | 'cancelled' | 'shipped';

interface PickTask {
  taskId: string;
  shipmentId: string;
  warehouse: string;
  orderIds: string[];
  lines: { sku: string; qty: number }[];
  status: PickTaskStatus;
  createdAt: number;
}

/** One entry of the confirm-shipped feed: a parcel that left the warehouse, numbered in order. */
export interface ShippedEvent {
  seq: number;
  taskId: string;
  shipmentId: string;
  shippedAt: string;
}

export interface WmsOptions {
  /** Ship every open task this long after it was created (the warehouse picks, packs and hands it over); 0 never does, only `POST /admin/ship`. */
  shipAfterMs?: number;
}

/**
 * A warehouse management system's pick API. `POST /pick-tasks/batch` takes up to 100 `{key,
 * shipmentId, warehouse, orderIds, lines: [{sku, qty}]}` items and opens one pick task per key
 * (the same key always answers the same task: the caller's key is the shipment id and the action,
 * `SHIPMENT:pick`). `POST /pick-tasks/TASK/cancel` cancels an open task (idempotent; 409 once it
 * shipped). `POST /admin/ship {"taskId"} | {"shipmentId"}` is the warehouse handing the parcel to
 * the courier (or `shipAfterMs` does it by itself); every shipped task is appended to the
 * confirm-shipped feed, `GET /pick-tasks/shipped?after=SEQ&limit=N`, which the pick worker polls.
 * `GET /pick-tasks/TASK` shows one task, `GET /stats` counts them.
 */
export async function startWmsSimulator(port: number, faults: Faults, opts: WmsOptions = {}): Promise<RunningServer> {
  const byKey = new Map<string, PickTask>();
  const byId = new Map<string, PickTask>();
  const feed: ShippedEvent[] = [];
  let requests = 0;
  let duplicates = 0;

  const open = (key: string, body: unknown): JsonResponse => {
    requests++;
    const problem = pickRequestProblem(body);
    if (problem) return { status: 400, body: { error: problem } };
    const known = byKey.get(key);
    if (known) {
      duplicates++;
      return { status: 200, body: { taskId: known.taskId, status: known.status } };
    }
    const request = body as { shipmentId: string; warehouse: string; orderIds?: string[]; lines: { sku: string; qty: number }[] };
    const task: PickTask = {
      taskId: `PICK${String(byKey.size + 1).padStart(10, '0')}`,
      shipmentId: request.shipmentId,
      warehouse: request.warehouse,
      orderIds: request.orderIds ?? [],
      lines: request.lines.map((l) => ({ sku: l.sku, qty: l.qty })),
      status: 'open',
      createdAt: Date.now(),
    };
    byKey.set(key, task);
    byId.set(task.taskId, task);
    return { status: 201, body: { taskId: task.taskId, status: task.status } };
  };

  const ship = (task: PickTask): JsonResponse => {
    if (task.status === 'cancelled') return { status: 409, body: { error: `${task.taskId}: cancelled, nothing to ship` } };
    if (task.status === 'open') {
      task.status = 'shipped';
      feed.push({ seq: feed.length + 1, taskId: task.taskId, shipmentId: task.shipmentId, shippedAt: new Date().toISOString() });
    }
    return { status: 200, body: { taskId: task.taskId, status: task.status } };
  };

  const shipAfterMs = opts.shipAfterMs ?? 0;
  const timer =
    shipAfterMs > 0
      ? setInterval(() => {
          const due = Date.now() - shipAfterMs;
          for (const task of byId.values()) if (task.status === 'open' && task.createdAt <= due) ship(task);
        }, Math.min(1000, shipAfterMs))
      : undefined;
  timer?.unref();

  const server = await startJsonServer(port, faultGate(faults), ({ method, path, query, headers, body }) => {
    if (method === 'POST' && path === '/pick-tasks/batch') return batchOf(body, WMS_BATCH_LIMIT, open);
    if (method === 'POST' && path === '/pick-tasks') {
      const key = headers['idempotency-key'];
      if (typeof key !== 'string' || key === '') return { status: 400, body: { error: 'Idempotency-Key header is required' } };
      return open(key, body);
    }
    if (method === 'GET' && path === '/pick-tasks/shipped') {
      const after = Number(query.get('after') ?? 0);
      const limit = Number(query.get('limit') ?? 500);
      if (!Number.isSafeInteger(after) || after < 0) return { status: 400, body: { error: `after: must be a whole number, 0 or more, got ${JSON.stringify(query.get('after'))}` } };
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) return { status: 400, body: { error: `limit: must be a whole number from 1 to 1000, got ${JSON.stringify(query.get('limit'))}` } };
      // The feed is numbered from 1 without gaps: entry seq sits at index seq - 1.
      return { status: 200, body: { events: feed.slice(after, after + limit) } };
    }
    if (method === 'GET' && path === '/stats') {
      const count = (status: PickTaskStatus): number => [...byId.values()].filter((t) => t.status === status).length;
      return { status: 200, body: { tasks: byId.size, open: count('open'), cancelled: count('cancelled'), shipped: count('shipped'), requests, duplicates } };
    }
    if (method === 'POST' && path === '/admin/ship') {
      const { taskId, shipmentId } = (body ?? {}) as { taskId?: unknown; shipmentId?: unknown };
      const task = typeof taskId === 'string' ? byId.get(taskId) : typeof shipmentId === 'string' ? [...byId.values()].find((t) => t.shipmentId === shipmentId && t.status !== 'cancelled') : undefined;
      if (typeof taskId !== 'string' && typeof shipmentId !== 'string') return { status: 400, body: { error: 'taskId or shipmentId: required string' } };
      return task ? ship(task) : { status: 404, body: { error: `no pick task ${String(taskId ?? shipmentId)}` } };
    }
    const cancel = /^\/pick-tasks\/([^/]+)\/cancel$/.exec(path);
    if (method === 'POST' && cancel) {
      const task = byId.get(decodeURIComponent(cancel[1]!));
      if (!task) return { status: 404, body: { error: `no pick task ${decodeURIComponent(cancel[1]!)}` } };
      if (task.status === 'shipped') return { status: 409, body: { error: `${task.taskId}: the parcel has left the warehouse` } };
      task.status = 'cancelled';
      return { status: 200, body: { taskId: task.taskId, status: task.status } };
    }
    const one = /^\/pick-tasks\/([^/]+)$/.exec(path);
    if (method === 'GET' && one) {
      const task = byId.get(decodeURIComponent(one[1]!));
      return task ? { status: 200, body: task } : { status: 404, body: { error: `no pick task ${decodeURIComponent(one[1]!)}` } };
    }
    return notFound;
  });
  return {
    ...server,
    close: async () => {
      clearInterval(timer);
      await server.close();
    },
  };
}

/** What is wrong with a pick request, naming the field; undefined when nothing is. */
function pickRequestProblem(body: unknown): string | undefined {
  const request = body as Record<string, unknown> | undefined;
  if (typeof request?.shipmentId !== 'string' || request.shipmentId === '') return 'shipmentId: required non-empty string';
  if (typeof request.warehouse !== 'string' || request.warehouse === '') return 'warehouse: required non-empty string';
  if (request.orderIds !== undefined && !(Array.isArray(request.orderIds) && request.orderIds.every((o) => typeof o === 'string'))) return 'orderIds: must be an array of strings';
  if (!Array.isArray(request.lines) || request.lines.length === 0) return 'lines: required non-empty array';
  for (const [i, line] of (request.lines as unknown[]).entries()) {
    const l = line as { sku?: unknown; qty?: unknown } | null;
    if (typeof l?.sku !== 'string' || l.sku === '') return `lines[${i}].sku: required non-empty string`;
    if (typeof l.qty !== 'number' || !Number.isSafeInteger(l.qty) || l.qty < 1) return `lines[${i}].qty: must be a positive integer, got ${JSON.stringify(l.qty)}`;
  }
  return undefined;
}
