import { contractForType } from "@checkout/contracts";
import type { Sql, TransactionSql } from "@checkout/db";
import type { AnyEvent } from "./handler.ts";

export const OUTBOX_CHANNEL = "checkout_outbox";

/**
 * Adds events to the outbox inside the caller's transaction and wakes the relay on commit
 * (NOTIFY is delivered only if the transaction commits).
 */
export async function writeOutbox(sql: TransactionSql | Sql, events: AnyEvent[], { traceparent }: { traceparent?: string | undefined } = {}): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((event) => {
    const contract = contractForType(event.type);
    if (!contract) throw new Error(`no contract for event type ${event.type}`);
    return { event_id: event.id, subject: contract.subject(event.subject), payload: JSON.stringify(event), traceparent: traceparent ?? null };
  });
  // one round trip: the rows and the wake-up of the relay in one statement
  await sql`
    WITH written AS (INSERT INTO outbox ${sql(rows, "event_id", "subject", "payload", "traceparent")} RETURNING 1)
    SELECT pg_notify(${OUTBOX_CHANNEL}, '') FROM (SELECT 1 FROM written LIMIT 1) AS any_row`;
}
