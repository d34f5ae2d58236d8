import type { Sql } from "@checkout/db";
import type { Logger } from "@checkout/log";
import { STREAM_SPECS } from "./topology.ts";

/**
 * An inbox row is needed while a copy of its event can still arrive: a redelivery, a consumer replaying
 * its stream, a dead letter replayed (a handler can commit and still be dead-lettered when its acks keep
 * timing out). None of these outlives the longest stream retention, so rows older than that go.
 */
export const MIN_INBOX_RETENTION_MS = Math.max(...STREAM_SPECS.map((spec) => spec.maxAgeMs));

/** Deletes inbox rows handled more than `retentionMs` ago, `batchSize` at a time; returns how many went. */
export async function pruneInbox(sql: Sql, { retentionMs, batchSize = 5_000 }: { retentionMs: number; batchSize?: number }): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await sql`
      DELETE FROM inbox WHERE ctid IN (
        SELECT ctid FROM inbox WHERE handled_at < now() - ${retentionMs} * interval '1 millisecond'
        LIMIT ${batchSize} FOR UPDATE SKIP LOCKED)`;
    total += deleted.count;
    if (deleted.count < batchSize) return total;
  }
}

/** Prunes the inbox now and every `everyMs`; several instances may run it side by side. */
export function startInboxPruner({ sql, log, retentionMs, everyMs = 15 * 60_000, onPruned = () => {} }: {
  sql: Sql;
  log: Logger;
  retentionMs: number;
  everyMs?: number;
  onPruned?: (count: number) => void;
}): { stop(): Promise<void> } {
  if (retentionMs < MIN_INBOX_RETENTION_MS) {
    throw new Error(`INBOX_RETENTION_MS is ${retentionMs}: it must be at least ${MIN_INBOX_RETENTION_MS} (the longest stream retention), or a late copy of an event could be handled twice`);
  }
  let running: Promise<void> = Promise.resolve();
  const prune = () => {
    running = pruneInbox(sql, { retentionMs }).then(
      (count) => {
        onPruned(count);
        if (count > 0) log.info({ count }, "inbox pruned");
      },
      (error: unknown) => log.warn({ err: error }, "inbox pruning failed; will try again"),
    );
  };
  prune();
  const timer = setInterval(prune, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
