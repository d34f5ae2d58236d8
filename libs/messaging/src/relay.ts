import { headers as natsHeaders } from "@nats-io/transport-node";
import type { JetStreamClient } from "@nats-io/jetstream";
import type { Sql } from "@checkout/db";
import type { Logger } from "@checkout/log";
import { backoffMs } from "./backoff.ts";
import { OUTBOX_CHANNEL } from "./outbox.ts";

export interface OutboxRelay {
  /** publishes what is pending now; resolves when the outbox was seen empty once */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Publishes outbox rows in id order with Nats-Msg-Id = event id, deleting each batch only after the
 * server acknowledged every message in it. A failed batch is rolled back and retried with backoff, so no
 * row is ever skipped. Several relays share the table through FOR UPDATE SKIP LOCKED. It wakes on the
 * commit of an outbox write (LISTEN/NOTIFY) and also polls, in case a notification was missed.
 */
export async function startOutboxRelay({
  sql,
  js,
  log,
  batchSize = 500,
  pollMs = 1_000,
  publishTimeoutMs = 5_000,
  onPublished = () => {},
}: {
  sql: Sql;
  js: JetStreamClient;
  log: Logger;
  batchSize?: number;
  pollMs?: number;
  publishTimeoutMs?: number;
  onPublished?: (count: number) => void;
}): Promise<OutboxRelay> {
  let stopped = false;
  let wake: () => void = () => {};
  let idleWaiters: Array<() => void> = [];
  const listener = await sql.listen(OUTBOX_CHANNEL, () => wake());

  async function publishBatch(): Promise<number> {
    return sql.begin(async (tx) => {
      const rows = await tx<{ id: string; event_id: string; subject: string; payload: string; traceparent: string | null }[]>`
        SELECT id, event_id, subject, payload, traceparent FROM outbox ORDER BY id LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`;
      if (rows.length === 0) return 0;
      await Promise.all(
        rows.map((row) => {
          const h = natsHeaders();
          h.set("Content-Type", "application/cloudevents+json");
          if (row.traceparent) h.set("traceparent", row.traceparent);
          return js.publish(row.subject, row.payload, { msgID: row.event_id, headers: h, timeout: publishTimeoutMs });
        }),
      );
      await tx`DELETE FROM outbox WHERE id = ANY(${rows.map((row) => row.id)}::bigint[])`;
      return rows.length;
    });
  }

  const idle = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pollMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = (async function relay() {
    let failures = 0;
    while (!stopped) {
      try {
        const published = await publishBatch();
        failures = 0;
        if (published > 0) onPublished(published);
        if (published === batchSize) continue;
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const resolve of waiters) resolve();
        await idle();
      } catch (error) {
        failures += 1;
        const delay = backoffMs(failures, { base: 100, max: 5_000 });
        log.warn({ err: error, attempt: failures, retryInMs: delay }, "outbox relay: publish failed, will retry");
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  })();

  return {
    flush: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        wake();
      }),
    async stop() {
      stopped = true;
      wake();
      await loop;
      await listener.unlisten().catch(() => {});
    },
  };
}
