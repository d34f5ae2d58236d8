import { headers as natsHeaders } from "@nats-io/transport-node";
import type { JetStreamClient } from "@nats-io/jetstream";
import { transaction, type Sql } from "@checkout/db";
import type { Logger } from "@checkout/log";
import { backoffMs } from "./backoff.ts";
import { OUTBOX_CHANNEL } from "./outbox.ts";

export interface OutboxRelay {
  /** publish now: for a writer in this process that just committed outbox rows (saves the NOTIFY's trip) */
  wake(): void;
  /** publishes what is pending now; resolves when the outbox was seen empty once */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

interface Row {
  id: string;
  event_id: string;
  subject: string;
  payload: string;
  traceparent: string | null;
}

/**
 * Publishes outbox rows with Nats-Msg-Id = event id. A round takes up to `batchSize` rows in id order and
 * deletes them in a transaction that commits only after the server acknowledged every publish; a failed
 * round is rolled back (the rows are back) and retried with backoff, so no row is ever skipped, and a row
 * published twice (a crash between the acks and the commit) is dropped by the stream's duplicate window.
 * Up to `window` rounds are in flight at once (by default one: the rows that commit while a round is on
 * the wire wait for the next, which takes them all); a further round takes the following rows (FOR UPDATE
 * SKIP LOCKED), and several relays, in this process or others, share the table the same way. Rounds
 * start at most every `minIntervalMs`: a relay woken after a quiet spell publishes at once, a busy one
 * publishes what queued meanwhile in one round (two round trips to PostgreSQL) instead of one each. Each round sends its publishes in id order, after those of
 * the round before, so the stream receives them in id order, except around a failed round, whose rows
 * are published again later. It wakes on the commit of an outbox write (LISTEN/NOTIFY, or `wake()` from
 * this process) and also polls, in case a notification was missed.
 */
export async function startOutboxRelay({
  sql,
  js,
  log,
  batchSize = 500,
  window = 1,
  minIntervalMs = 5,
  pollMs = 1_000,
  publishTimeoutMs = 5_000,
  onPublished = () => {},
}: {
  sql: Sql;
  js: JetStreamClient;
  log: Logger;
  batchSize?: number;
  window?: number;
  /** the shortest time between the starts of two rounds: an idle relay starts at once, a busy one publishes more per round */
  minIntervalMs?: number;
  pollMs?: number;
  publishTimeoutMs?: number;
  onPublished?: (count: number) => void;
}): Promise<OutboxRelay> {
  let stopped = false;
  let pending = true; // rows may be waiting: look at start-up
  let interrupt: () => void = () => {};
  let idleWaiters: Array<() => void> = [];
  const wake = () => {
    pending = true;
    interrupt();
  };
  const listener = await sql.listen(OUTBOX_CHANNEL, wake);

  /**
   * One round: resolves `sent` once its publishes are on the wire (the next round may start), and
   * returns how many rows it published.
   */
  function round(sent: () => void): Promise<number> {
    // BEGIN goes with the DELETE, and the COMMIT follows the last ack: two round trips to PostgreSQL
    return transaction(sql, async (tx) => {
        const rows = await tx<Row[]>`
          DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT ${batchSize} FOR UPDATE SKIP LOCKED)
          RETURNING id, event_id, subject, payload, traceparent`;
        if (rows.length === 0) return 0;
        rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
        const acks = rows.map((row) => {
          const h = natsHeaders();
          h.set("Content-Type", "application/cloudevents+json");
          if (row.traceparent) h.set("traceparent", row.traceparent);
          return js.publish(row.subject, row.payload, { msgID: row.event_id, headers: h, timeout: publishTimeoutMs });
        });
        sent();
        await Promise.all(acks);
        return rows.length;
    }).finally(sent);
  }

  const idle = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pollMs);
      interrupt = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const inFlight = new Set<Promise<unknown>>();
  let failures = 0;
  let lastWasEmpty = false;
  let lastStart = Number.NEGATIVE_INFINITY;

  const loop = (async function relay() {
    while (!stopped) {
      if (!pending && inFlight.size === 0) {
        if (lastWasEmpty) {
          const waiters = idleWaiters;
          idleWaiters = [];
          for (const resolve of waiters) resolve();
        }
        await idle();
        pending = true; // a wake-up, or the poll
        continue;
      }
      if (inFlight.size >= window || !pending) {
        await Promise.race(inFlight);
        continue;
      }
      // pacing: under load, rounds start at most every minIntervalMs and take what has queued meanwhile
      const early = lastStart + minIntervalMs - performance.now();
      if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
      lastStart = performance.now();
      pending = false;
      let onWire!: () => void;
      const wired = new Promise<void>((resolve) => (onWire = resolve));
      const task = round(onWire).then(
        (published) => {
          failures = 0;
          if (published > 0) onPublished(published);
          if (published === batchSize) pending = true; // more rows are waiting
          lastWasEmpty = published === 0 && inFlight.size === 1;
        },
        async (error: unknown) => {
          failures += 1;
          const delay = backoffMs(failures, { base: 100, max: 5_000 });
          log.warn({ err: error, attempt: failures, retryInMs: delay }, "outbox relay: publish failed, will retry");
          await new Promise((resolve) => setTimeout(resolve, delay));
          pending = true;
          lastWasEmpty = false;
        },
      );
      const tracked = task.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      await wired; // the next round's publishes go out after this round's
    }
    await Promise.all(inFlight);
  })();

  return {
    wake,
    flush: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        wake();
      }),
    async stop() {
      stopped = true;
      interrupt();
      await loop;
      await listener.unlisten().catch(() => {});
    },
  };
}
