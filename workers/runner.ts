import type { Consumer, JsMsg } from '@nats-io/jetstream';
import { millis } from '@nats-io/transport-node';
import type { Bus } from '../streams/connect.ts';
import { HEADERS, type Downstream } from '../streams/messages.ts';
import { publishDeadLetter } from '../streams/dead-letter.ts';
import type { Names } from '../streams/names.ts';
import { backoff } from './backoff.ts';
import { flagDeadLetteredOrder } from './dead-lettered-order.ts';
import { messageWaits, type MessageWaits } from './circuit/message-waits.ts';
import { classifyError, type ErrorClass } from './error-class.ts';
import { errorText } from './error-text.ts';
import type { Counter, Gauge, Histogram } from 'prom-client';
import type { StageMetrics } from './metrics.ts';
import { inFlightLimit } from './peak/in-flight-limit.ts';
import { bindStageSignal } from './stage-signal.ts';
import { sleep } from './sleep.ts';
import { stageDefinition } from '../streams/pipeline.ts';
import type { Delivery, Outcome, Stage, StageContext } from './stage.ts';

export interface RunnerOptions {
  /** Messages this process holds unacked at most: it pulls only when there is room. */
  concurrency: number;
  /** Messages handed to the stage's handler in one call. */
  batchSize: number;
  /** How long a partial batch waits for more messages before it is handled anyway. */
  lingerMs: number;
  /** First retry delay; each further attempt doubles it, up to a minute. */
  retryBaseMs: number;
  /** Deliveries of one message before the runner dead-letters it (the consumer itself has no limit). */
  maxDeliver: number;
  /** Messages a core stage may hold while peak mode is on: the capacity the deferred stages give up. */
  peakConcurrency: number;
}

export const DEFAULT_RUNNER: RunnerOptions = {
  // Measured with `ordersurge bench pipeline`: larger batches cost fewer round trips per order,
  // which is what a busy worker runs short of.
  concurrency: 1024,
  batchSize: 128,
  lingerMs: 5,
  retryBaseMs: 1000,
  maxDeliver: 8,
  peakConcurrency: 2048,
};

const encoder = new TextEncoder();
/** How long one pull waits for messages on the server. */
const FETCH_EXPIRES_MS = 1000;

/**
 * Runs one stage against its durable pull consumer: pulls in batches when there is room, hands
 * batches to the stage, publishes downstream, and acks only after both the stage's database
 * commit and the downstream publish succeeded.
 */
export class StageRunner<T> {
  private held = 0;
  private readonly batches = new Set<Promise<void>>();
  private roomWaiters: (() => void)[] = [];
  /** Read from the consumer: long batches signal progress well before it runs out. */
  private ackWaitMs = 30_000;
  /** Set once `run` is told to stop: retries are then handed back at once (see `retryDelay`). */
  private stopping: AbortSignal | undefined;
  private readonly deferredSeries: StageMetrics['deferred'];
  /** Deliveries that were waits (`wait` outcomes): they spend no attempt. */
  private readonly waits: MessageWaits;
  /** This stage's metric series, looked up once rather than by label on every message. */
  private readonly series: {
    inFlight: Gauge.Internal<'stage'>;
    latency: Histogram.Internal<'stage'>;
    done: Counter.Internal;
    retry: Counter.Internal;
    dead: Counter.Internal;
    wait: Counter.Internal;
  };

  constructor(
    private readonly stage: Stage<T>,
    private readonly bus: Bus,
    private readonly names: Names,
    private readonly ctx: StageContext,
    metrics: StageMetrics,
    private readonly opts: RunnerOptions = DEFAULT_RUNNER,
  ) {
    this.deferredSeries = metrics.deferred;
    this.waits = messageWaits(bus.nc, names);
    const labels = { stage: stage.name };
    this.series = {
      inFlight: metrics.inFlight.labels(labels),
      latency: metrics.latency.labels(labels),
      done: metrics.processed.labels({ ...labels, outcome: 'done' }),
      retry: metrics.processed.labels({ ...labels, outcome: 'retry' }),
      dead: metrics.processed.labels({ ...labels, outcome: 'dead' }),
      wait: metrics.processed.labels({ ...labels, outcome: 'wait' }),
    };
  }

  /** Runs until `signal` aborts, then drains: in-flight batches finish before it resolves. */
  async run(signal: AbortSignal): Promise<void> {
    bindStageSignal(this.ctx, signal);
    this.stopping = signal;
    const consumer = await this.bindConsumer(signal);
    while (consumer && !signal.aborted) {
      // Read every round: peak mode moves capacity from the deferred stages to the core.
      const room = inFlightLimit(stageDefinition(this.stage.name).criticality, this.ctx.peak.active(), this.opts) - this.held;
      if (room <= 0) {
        await this.waitForRoom(signal);
        continue;
      }
      if (this.stage.readyToPull) {
        await this.stage.readyToPull(this.ctx, signal);
        if (signal.aborted) break;
      }
      await this.pullOnce(consumer, room, signal);
    }
    await Promise.allSettled([...this.batches]);
  }

  /**
   * Finds the stage's consumer and reads its limits. A slow or briefly unreachable server (or a
   * blocked event loop) must not end the runner, so this retries until it works or we stop.
   */
  private async bindConsumer(signal: AbortSignal): Promise<Consumer | undefined> {
    while (!signal.aborted) {
      try {
        const consumer = await this.bus.js.consumers.get(this.names.stageStream(this.stage.name), this.names.durable(this.stage.name));
        const { config } = await consumer.info();
        this.ackWaitMs = config.ack_wait ? millis(config.ack_wait) : this.ackWaitMs;
        return consumer;
      } catch (error) {
        this.ctx.log(`${this.stage.name}: cannot reach its consumer (${errorText(error)}); retrying in 1s`);
        await sleep(1000, signal);
      }
    }
    return undefined;
  }

  private async pullOnce(consumer: Consumer, room: number, signal: AbortSignal): Promise<void> {
    let pending: JsMsg[] = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = (): void => {
      clearTimeout(timer);
      timer = undefined;
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      const work: Promise<void> = this.process(batch).finally(() => {
        this.held -= batch.length;
        this.series.inFlight.set(this.held);
        this.batches.delete(work);
        this.wake();
      });
      this.batches.add(work);
    };
    try {
      const messages = await consumer.fetch({ max_messages: room, expires: FETCH_EXPIRES_MS });
      // Stopping drops what has arrived but not yet been yielded (it then sits unacked until its
      // ack wait runs out, 30 s). After a blocked event loop the guard's timer runs before the
      // socket is read, so the stop waits for the next check phase, when what arrived has been
      // read and yielded.
      const stop = (): void => void setImmediate(() => messages.stop());
      // On abort the pull runs out (a second at most) rather than being stopped, and what it
      // brings is processed like the rest of the in-flight work: the server keeps delivering to
      // a pull until it expires, so a pull stopped early leaves messages unacked after a drain
      // that claims to be complete (and a message handed back would come straight back to it).
      // Now and then NATS 2.9 lets a half-filled pull expire without a word (no 408, no
      // heartbeat); nats.js then waits for two missed heartbeats, a second with no pull
      // outstanding while messages queue (seen as 2 s stalls at 600 orders/s). The server's pull
      // is over by now either way; what it delivered is still yielded before the end.
      const guard = setTimeout(stop, FETCH_EXPIRES_MS + 250);
      try {
        for await (const msg of messages) {
          this.held++;
          this.series.inFlight.set(this.held);
          pending.push(msg);
          if (pending.length >= this.opts.batchSize) flush();
          else timer ??= setTimeout(flush, this.opts.lingerMs);
        }
      } finally {
        clearTimeout(guard);
      }
    } catch (error) {
      this.ctx.log(`${this.stage.name}: pull failed: ${errorText(error)}; retrying in 1s`);
      await sleep(1000, signal);
    } finally {
      flush();
    }
  }

  private async process(batch: JsMsg[]): Promise<void> {
    const started = performance.now();
    const heartbeat = setInterval(() => batch.forEach((m) => m.working()), Math.max(500, this.ackWaitMs / 3));
    try {
      const valid: { msg: JsMsg; delivery: Delivery<T> }[] = [];
      const settled: Promise<void>[] = [];
      for (const msg of batch) {
        const decoded = this.stage.decode(msg.data);
        if (decoded.ok) {
          valid.push({ msg, delivery: toDelivery(msg, decoded.value) });
        } else {
          settled.push(this.settle(msg, { kind: 'dead', error: decoded.error }));
        }
      }
      let outcomes: Outcome[];
      try {
        outcomes = valid.length === 0 ? [] : await this.stage.handle(valid.map((v) => v.delivery), this.ctx);
        if (outcomes.length !== valid.length) {
          throw new Error(`handler returned ${outcomes.length} outcomes for ${valid.length} messages`);
        }
      } catch (error) {
        const failure = classifyError(error);
        this.ctx.log(`${this.stage.name}: batch of ${valid.length} failed: ${failure.reason}`);
        // A server out of reach fails every message alike, so they are retried together. A
        // permanent error is believed only of a message that fails with it on its own (even a
        // batch of one): a unique key broken by a concurrent copy of the same order passes when
        // run again, now that the copy has committed.
        const together = failure.kind === 'unreachable' || (failure.kind === 'transient' && valid.length === 1);
        outcomes = together ? valid.map(() => outcomeOf(failure)) : await this.handleAlone(valid.map((v) => v.delivery));
      }
      valid.forEach((v, i) => settled.push(this.settle(v.msg, outcomes[i]!)));
      await Promise.all(settled);
    } finally {
      clearInterval(heartbeat);
      const seconds = (performance.now() - started) / 1000;
      for (let i = 0; i < batch.length; i++) this.series.latency.observe(seconds);
    }
  }

  /**
   * After a batch failed, each message is tried on its own, so one bad message (a constraint it
   * breaks, say) does not fail the good ones it was batched with. One that fails alone with a
   * permanent error is dead-lettered at once; once a server is out of reach, the rest are not
   * tried: they are retried later with the others.
   */
  private async handleAlone(deliveries: Delivery<T>[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    for (const delivery of deliveries) {
      try {
        const [outcome] = await this.stage.handle([delivery], this.ctx);
        outcomes.push(outcome ?? { kind: 'retry', error: 'handler returned no outcome' });
      } catch (error) {
        const failure = classifyError(error);
        if (failure.kind === 'unreachable') return [...outcomes, ...deliveries.slice(outcomes.length).map(() => outcomeOf(failure))];
        outcomes.push(outcomeOf(failure));
      }
    }
    return outcomes;
  }

  private async settle(msg: JsMsg, outcome: Outcome): Promise<void> {
    switch (outcome.kind) {
      case 'done':
        try {
          await Promise.all(
            outcome.publish.map(async (p) => {
              const subject = p.deferred ? this.names.deferredSubject(p.stage, p.channel) : this.names.stageSubject(p.stage, p.channel);
              await this.bus.js.publish(subject, encoder.encode(JSON.stringify(p.body)), { msgID: p.deferred ? `deferred:${p.msgId}` : p.msgId });
              if (p.deferred) this.deferredSeries.inc({ stage: p.stage });
            }),
          );
        } catch (error) {
          const tooLarge = this.overMaxPayload(outcome.publish);
          if (tooLarge) return this.deadLetter(msg, `${tooLarge}; it can never be published (${errorText(error)})`);
          return this.settle(msg, { kind: 'retry', error: `downstream publish failed: ${errorText(error)}` });
        }
        msg.ack();
        this.series.done.inc();
        return;
      case 'retry': {
        // The attempts it spent: its deliveries less its waits. Only a redelivered message may
        // have waited, so a first failure costs no look-up.
        let waited: number | undefined = 0;
        if (msg.info.deliveryCount > 1) {
          waited = await this.waits.of(this.stage.name, msg.info.streamSequence).catch((error: unknown) => {
            this.ctx.log(`${this.stage.name}: cannot read the wait count of message ${msg.info.streamSequence} (${errorText(error)}); retried rather than dead-lettered`);
            return undefined;
          });
        }
        const attempts = msg.info.deliveryCount - (waited ?? 0);
        if (waited !== undefined && attempts >= this.opts.maxDeliver) {
          const waits = waited > 0 ? `, besides ${waited} waits for an outside service` : '';
          return this.deadLetter(msg, `${outcome.error} (gave up after ${attempts} attempts${waits})`);
        }
        // Backoff by attempts too: after a long wait the first retry is soon, not a minute away.
        msg.nak(this.retryDelay(attempts));
        this.series.retry.inc();
        return;
      }
      case 'wait':
        try {
          await this.waits.add(this.stage.name, msg.info.streamSequence);
        } catch (error) {
          // Handed back all the same: an uncounted wait only brings its dead letter nearer.
          this.ctx.log(`${this.stage.name}: could not count a wait of message ${msg.info.streamSequence} (${errorText(error)}): it spends a delivery attempt`);
        }
        msg.nak(this.stopping?.aborted ? undefined : outcome.delayMs);
        this.series.wait.inc();
        return;
      case 'dead':
        return this.deadLetter(msg, outcome.error);
      default: {
        const never: never = outcome;
        throw new Error(`unknown outcome ${JSON.stringify(never)}`);
      }
    }
  }

  /**
   * Why a downstream message is larger than the server takes (`max_payload`), if one is: asked
   * only after a publish failed, since no retry could ever send it.
   */
  private overMaxPayload(publish: readonly Downstream[]): string | undefined {
    const limit = this.bus.nc.info?.max_payload;
    if (limit === undefined) return undefined;
    for (const p of publish) {
      const bytes = encoder.encode(JSON.stringify(p.body)).byteLength;
      if (bytes > limit) return `message to ${p.stage}: ${bytes} bytes, over the NATS server's max_payload of ${limit}`;
    }
    return undefined;
  }

  /**
   * How long the server holds a retried message back. While draining there is none: a message
   * nak'd with a delay stays ack-pending on the consumer until the delay runs out, so a drain
   * would leave work claimed by a process that has gone; with no delay it is back in the stream
   * at once, for whichever worker runs next (its delivery count still grows toward maxDeliver).
   */
  private retryDelay(attempts: number): number | undefined {
    return this.stopping?.aborted ? undefined : backoff(attempts, this.opts.retryBaseMs);
  }

  private async deadLetter(msg: JsMsg, error: string): Promise<void> {
    const shop = msg.headers?.get(HEADERS.shop);
    try {
      await publishDeadLetter(this.bus.js, this.names, {
        stage: this.stage.name,
        subject: msg.subject,
        error,
        attempts: msg.info.deliveryCount,
        payload: this.stage.deadLetterBody?.(msg.data) ?? msg.data,
        ...(shop ? { shop } : {}),
      });
    } catch (publishError) {
      // Keep the message rather than lose it: it comes back after the delay.
      this.ctx.log(`${this.stage.name}: dead-letter publish failed: ${errorText(publishError)}`);
      msg.nak(this.retryDelay(msg.info.deliveryCount));
      return;
    }
    try {
      await flagDeadLetteredOrder(this.ctx.db, this.stage.name, msg.data, error);
    } catch (flagError) {
      // The letter is kept either way; the order stays where it is and redrive still finds it.
      this.ctx.log(`${this.stage.name}: dead-lettered, but could not mark its order a dead_letter exception: ${errorText(flagError)}`);
    }
    msg.ack();
    this.series.dead.inc();
  }

  private waitForRoom(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const onAbort = (): void => resolve();
      signal.addEventListener('abort', onAbort, { once: true });
      this.roomWaiters.push(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  private wake(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    waiters.forEach((w) => w());
  }
}

/** Permanent failures go to the dead letters at once; every other is retried with backoff. */
function outcomeOf(failure: ErrorClass): Outcome {
  return failure.kind === 'permanent' ? { kind: 'dead', error: failure.reason } : { kind: 'retry', error: failure.reason };
}

function toDelivery<T>(msg: JsMsg, body: T): Delivery<T> {
  const shop = msg.headers?.get(HEADERS.shop);
  return {
    body,
    subject: msg.subject,
    channel: msg.subject.slice(msg.subject.lastIndexOf('.') + 1),
    attempt: msg.info.deliveryCount,
    ...(shop ? { shop } : {}),
  };
}
