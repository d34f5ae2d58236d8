import { transaction, type Sql } from "@checkout/db";
import type { Logger } from "@checkout/log";
import { writeOutbox, type AnyEvent } from "@checkout/messaging";
import type { Payment } from "../db/payments.ts";
import { recordOutcome, type Outcome } from "./record-outcome.ts";

export interface Recorder {
  /** resolves once the outcome is committed (with its events), or rejects when it could not be */
  record(claimed: Payment, outcome: Outcome): Promise<void>;
}

interface Pending {
  claimed: Payment;
  outcome: Outcome;
  done: (error?: unknown) => void;
}

/**
 * Records provider outcomes as they come back, many per transaction: those that arrived together (a
 * round of calls made at the same time comes back at about the same time) share one BEGIN, one round
 * trip per step of recordOutcome (the payments are different orders, so their statements run side by
 * side), one outbox insert and one COMMIT. At most `concurrency` transactions are open; what arrives
 * meanwhile waits for the next one. When a shared transaction fails, each outcome is recorded alone, so
 * one bad row fails only itself.
 */
export function createRecorder({
  sql,
  log,
  now,
  onRecorded,
  maxBatch = 200,
  concurrency = 2,
}: {
  sql: Sql;
  log: Logger;
  now: () => Date;
  /** after a commit: whether it wrote events, and the payments the provider refused for good */
  onRecorded: (wroteEvents: boolean, parked: Array<{ claimed: Payment; reason: string }>) => Promise<void> | void;
  maxBatch?: number;
  concurrency?: number;
}): Recorder {
  const queue: Pending[] = [];
  let open = 0;
  let scheduled = false;

  async function commit(batch: Pending[]): Promise<void> {
    const parked: Array<{ claimed: Payment; reason: string }> = [];
    let events: AnyEvent[] = [];
    await transaction(sql, async (tx, { later }) => {
      const at = now();
      const results = await Promise.all(batch.map(({ claimed, outcome }) => recordOutcome(tx, claimed, outcome, { now: at, log })));
      events = results.flatMap((result) => result.events);
      results.forEach((result, i) => result.parked !== undefined && parked.push({ claimed: batch[i]!.claimed, reason: result.parked }));
      later(writeOutbox(tx, events));
    });
    await onRecorded(events.length > 0, parked);
  }

  async function settleBatch(batch: Pending[]): Promise<void> {
    try {
      await commit(batch);
      for (const item of batch) item.done();
    } catch (error) {
      if (batch.length === 1) return batch[0]!.done(error);
      for (const item of batch) await settleBatch([item]);
    }
  }

  const pump = () => {
    scheduled = false;
    while (open < concurrency && queue.length > 0) {
      open += 1;
      void settleBatch(queue.splice(0, maxBatch)).finally(() => {
        open -= 1;
        pump();
      });
    }
  };

  return {
    record(claimed, outcome) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ claimed, outcome, done: (error) => (error === undefined ? resolve() : reject(error)) });
        if (!scheduled) {
          scheduled = true;
          setImmediate(pump); // outcomes that arrive in the same turn share the transaction
        }
      });
    },
  };
}
