import { contractForType } from "@checkout/contracts";
import type { Sql, TransactionSql } from "@checkout/db";
import type { AnyEvent } from "./handler.ts";

export const OUTBOX_CHANNEL = "checkout_outbox";

/** An event to publish and the trace context it travels with. */
export interface OutboxEntry {
  event: AnyEvent;
  traceparent?: string | undefined;
}

/**
 * Adds events to the outbox inside the caller's transaction and wakes the relay on commit
 * (NOTIFY is delivered only if the transaction commits). An event it cannot store (no contract for its
 * type) throws at once, before anything is sent, so that a caller that hands the statement to `later`
 * still fails its transaction.
 */
export function writeOutbox(sql: TransactionSql | Sql, events: AnyEvent[], { traceparent }: { traceparent?: string | undefined } = {}): Promise<unknown> {
  return writeOutboxEntries(sql, events.map((event) => ({ event, traceparent })));
}

/** The outbox row of an event: what the relay publishes, on the subject its contract gives it. */
export function outboxRow({ event, traceparent }: OutboxEntry): { event_id: string; subject: string; payload: string; traceparent: string | null } {
  const contract = contractForType(event.type);
  if (!contract) throw new Error(`no contract for event type ${event.type}`);
  return { event_id: event.id, subject: contract.subject(event.subject), payload: JSON.stringify(event), traceparent: traceparent ?? null };
}

/** writeOutbox for events that each carry their own trace context (the events of a batch of messages). */
export function writeOutboxEntries(sql: TransactionSql | Sql, entries: OutboxEntry[]): Promise<unknown> {
  if (entries.length === 0) return Promise.resolve();
  const rows = entries.map(outboxRow); // throws here, not in a rejected promise (see writeOutbox)
  // one round trip: the rows and the wake-up of the relay in one statement (one NOTIFY, however many
  // rows). Arrays, not a row of parameters per event: one statement text whatever the number of events,
  // so it is prepared once per connection. The rows get their ids in the order given.
  return sql`
    WITH written AS (
      INSERT INTO outbox (event_id, subject, payload, traceparent)
      SELECT event_id, subject, payload, traceparent
      FROM unnest(${rows.map((row) => row.event_id)}::text[], ${rows.map((row) => row.subject)}::text[],
                  ${rows.map((row) => row.payload)}::text[], ${rows.map((row) => row.traceparent)}::text[])
           WITH ORDINALITY AS given(event_id, subject, payload, traceparent, position)
      ORDER BY position
      RETURNING 1)
    SELECT pg_notify(${OUTBOX_CHANNEL}, '') FROM (SELECT 1 FROM written LIMIT 1) AS any_row`;
}
