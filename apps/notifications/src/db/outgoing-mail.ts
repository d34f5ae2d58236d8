import type { Sql, TransactionSql } from "@checkout/db";
import type { MailKind, RenderedMail } from "../domain/mail.ts";

type Db = Sql | TransactionSql;

/** NOTIFY channel that wakes the mail worker when a handler transaction with a new mail commits. */
export const MAIL_CHANNEL = "checkout_notifications_mail";

export type MailStatus = "pending" | "sent" | "failed";

export interface OutgoingMail {
  id: string;
  orderId: string;
  kind: MailKind;
  messageId: string;
  eventId: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  status: MailStatus;
  attempts: number;
  nextAttemptAt: Date;
  leaseUntil: Date | null;
  lastError: string | null;
  transportMessageId: string | null;
  sentAt: Date | null;
  createdAt: Date;
}

const columns = (sql: Db) => sql`
  id::text AS id, order_id AS "orderId", kind, message_id AS "messageId", event_id AS "eventId", to_address AS "to",
  subject, text_body AS "text", html_body AS "html", status, attempts, next_attempt_at AS "nextAttemptAt",
  lease_until AS "leaseUntil", last_error AS "lastError", transport_message_id AS "transportMessageId",
  sent_at AS "sentAt", created_at AS "createdAt"`;

/**
 * Serializes the handlers of one order (they come from different consumers) until the transaction
 * ends, so that "is a cancellation already recorded?" cannot race with recording one.
 */
export async function lockOrder(sql: TransactionSql, orderId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`notifications:${orderId}`}))`;
}

export async function recordedKinds(sql: Db, orderId: string): Promise<MailKind[]> {
  const rows = await sql<{ kind: MailKind }[]>`SELECT kind FROM outgoing_mail WHERE order_id = ${orderId}`;
  return rows.map((row) => row.kind);
}

/**
 * Records a mail to send, inside the handler's transaction, and wakes the worker on commit (NOTIFY is
 * delivered only if the transaction commits). False when the order already has a mail of this kind.
 */
export async function enqueueMail(
  sql: TransactionSql,
  mail: { orderId: string; kind: MailKind; messageId: string; eventId: string; to: string } & RenderedMail,
): Promise<boolean> {
  const inserted = await sql`
    WITH inserted AS (
      INSERT INTO outgoing_mail (order_id, kind, message_id, event_id, to_address, subject, text_body, html_body)
      VALUES (${mail.orderId}, ${mail.kind}, ${mail.messageId}, ${mail.eventId}, ${mail.to}, ${mail.subject}, ${mail.text}, ${mail.html})
      ON CONFLICT DO NOTHING RETURNING 1)
    SELECT pg_notify(${MAIL_CHANNEL}, '') FROM inserted`;
  return inserted.length > 0;
}

/**
 * Leases up to `limit` due mails to the calling worker and counts the attempt. SKIP LOCKED lets several
 * workers claim at once without waiting on each other or claiming the same row; the lease keeps the
 * row theirs after the claim commits, and runs out if the worker dies.
 */
export async function claimDue(sql: Db, { limit, leaseMs }: { limit: number; leaseMs: number }): Promise<OutgoingMail[]> {
  return sql<OutgoingMail[]>`
    UPDATE outgoing_mail SET lease_until = now() + ${leaseMs} * interval '1 millisecond', attempts = attempts + 1, updated_at = now()
    WHERE id IN (
      SELECT id FROM outgoing_mail
      WHERE status = 'pending' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
      ORDER BY next_attempt_at, id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING ${columns(sql)}`;
}

/*
 * The three settlements below only touch the row while it is still the caller's claim (`attempts` is the
 * fencing token): a worker whose lease ran out cannot undo what the worker that took over recorded.
 */

export async function markSent(sql: Db, mail: Pick<OutgoingMail, "id" | "attempts">, transportMessageId: string): Promise<boolean> {
  return (await markAllSent(sql, [{ mail, transportMessageId }])).has(mail.id);
}

/** markSent for the mails of one round, in one statement; returns the ids that were still the caller's claim. */
export async function markAllSent(sql: Db, sent: Array<{ mail: Pick<OutgoingMail, "id" | "attempts">; transportMessageId: string }>): Promise<Set<string>> {
  if (sent.length === 0) return new Set();
  const rows = await sql<{ id: string }[]>`
    UPDATE outgoing_mail m SET status = 'sent', sent_at = now(), transport_message_id = s.transport_id, lease_until = NULL, updated_at = now()
    FROM unnest(${sent.map((s) => s.mail.id)}::bigint[], ${sent.map((s) => s.mail.attempts)}::int[], ${sent.map((s) => s.transportMessageId)}::text[]) AS s(id, attempts, transport_id)
    WHERE m.id = s.id AND m.attempts = s.attempts AND m.status = 'pending'
    RETURNING m.id::text AS id`;
  return new Set(rows.map((row) => row.id));
}

export async function retryLater(sql: Db, mail: Pick<OutgoingMail, "id" | "attempts">, { delayMs, error }: { delayMs: number; error: string }): Promise<void> {
  await sql`
    UPDATE outgoing_mail SET next_attempt_at = now() + ${delayMs} * interval '1 millisecond', lease_until = NULL, last_error = ${error}, updated_at = now()
    WHERE id = ${mail.id} AND attempts = ${mail.attempts} AND status = 'pending'`;
}

export async function markFailed(sql: Db, mail: Pick<OutgoingMail, "id" | "attempts">, error: string): Promise<void> {
  await sql`
    UPDATE outgoing_mail SET status = 'failed', lease_until = NULL, last_error = ${error}, updated_at = now()
    WHERE id = ${mail.id} AND attempts = ${mail.attempts} AND status = 'pending'`;
}

export async function mailsForOrder(sql: Db, orderId: string): Promise<OutgoingMail[]> {
  return sql<OutgoingMail[]>`SELECT ${columns(sql)} FROM outgoing_mail WHERE order_id = ${orderId} ORDER BY id`;
}
