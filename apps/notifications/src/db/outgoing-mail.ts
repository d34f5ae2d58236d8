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
    INSERT INTO outgoing_mail (order_id, kind, message_id, event_id, to_address, subject, text_body, html_body)
    VALUES (${mail.orderId}, ${mail.kind}, ${mail.messageId}, ${mail.eventId}, ${mail.to}, ${mail.subject}, ${mail.text}, ${mail.html})
    ON CONFLICT DO NOTHING RETURNING 1`;
  if (inserted.length === 0) return false;
  await sql`SELECT pg_notify(${MAIL_CHANNEL}, '')`;
  return true;
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
  const rows = await sql`
    UPDATE outgoing_mail SET status = 'sent', sent_at = now(), transport_message_id = ${transportMessageId}, lease_until = NULL, updated_at = now()
    WHERE id = ${mail.id} AND attempts = ${mail.attempts} AND status = 'pending' RETURNING 1`;
  return rows.length === 1;
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
