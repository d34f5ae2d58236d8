import { createBatcher, transaction, type Sql } from "@checkout/db";
import type { Logger } from "@checkout/log";
import { writeOutbox } from "@checkout/messaging";
import type { Payment } from "../db/payments.ts";
import { recordOutcome, type Outcome } from "./record-outcome.ts";

export interface Recorder {
  /** resolves once the outcome is committed (with its events), or rejects when it could not be */
  record(claimed: Payment, outcome: Outcome): Promise<void>;
}

/**
 * Records provider outcomes as they come back, many per transaction (createBatcher): those that arrived
 * together (a round of calls made at the same time comes back at about the same time) share one BEGIN,
 * one round trip per step of recordOutcome (the payments are different orders, so their statements run
 * side by side), one outbox insert and one COMMIT. When a shared transaction fails, each outcome is
 * recorded alone, so one bad row fails only itself.
 */
export function createRecorder({
  sql,
  log,
  now,
  onRecorded,
}: {
  sql: Sql;
  log: Logger;
  now: () => Date;
  /** after a commit: whether it wrote events, and the payments the provider refused for good */
  onRecorded: (wroteEvents: boolean, parked: Array<{ claimed: Payment; reason: string }>) => Promise<void> | void;
}): Recorder {
  const record = createBatcher<{ claimed: Payment; outcome: Outcome }, void>({
    async run(batch) {
      const parked: Array<{ claimed: Payment; reason: string }> = [];
      const wrote = await transaction(sql, async (tx, { later }) => {
        const at = now();
        const results = await Promise.all(batch.map(({ claimed, outcome }) => recordOutcome(tx, claimed, outcome, { now: at, log })));
        results.forEach((result, i) => result.parked !== undefined && parked.push({ claimed: batch[i]!.claimed, reason: result.parked }));
        const events = results.flatMap((result) => result.events);
        later(writeOutbox(tx, events));
        return events.length > 0;
      });
      await onRecorded(wrote, parked);
      return batch.map(() => undefined);
    },
  });
  return { record: (claimed, outcome) => record({ claimed, outcome }) };
}
