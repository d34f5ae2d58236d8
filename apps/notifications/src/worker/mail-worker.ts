import { withConnection, type Limits, type Sql } from "@checkout/db";
import { lazyChild, type Logger } from "@checkout/log";
import { backoffMs, createAlarm } from "@checkout/messaging";
import { claimDue, MAIL_CHANNEL, markAllSent, markFailed, retryLater, type OutgoingMail } from "../db/outgoing-mail.ts";
import { PermanentMailError, type MailTransport } from "../transport/transport.ts";

export interface MailWorker {
  stop(): Promise<void>;
}

/**
 * Sends the mails the handlers recorded, outside any handler transaction.
 *
 * - Claim: due `pending` rows are leased (`lease_until`) through FOR UPDATE SKIP LOCKED, so several
 *   instances on one database never hold the same row at the same time; a crashed worker's rows are
 *   taken over when the lease runs out.
 * - Send, then mark `sent` (sent_at, the transport's message id). A failure is retried with backoff
 *   (`attempts`, `last_error`); a permanent refusal, or `maxAttempts` failures, marks the row `failed`.
 * - Wakes on LISTEN/NOTIFY (pg_notify in the handler transaction, delivered on commit) and polls too,
 *   for a notification missed while the listener reconnected and for retries coming due.
 *
 * The one window left: a crash (or a lost connection to PostgreSQL) after the transport accepted the
 * mail and before the row is marked sent. The row is still `pending`, and when the lease runs out it is
 * sent again. With the mailbox transport that is harmless (delivery is idempotent by Message-ID). SMTP
 * has no idempotency key, so the shopper's server may get the mail twice; every attempt carries the
 * same Message-ID `<orderId.kind@checkout>`, which lets receiving systems that deduplicate on it drop
 * the copy. The lease (default 60 s) is kept well above the SMTP timeouts so that a slow send is not
 * also taken over by a second worker while still in flight.
 */
export async function startMailWorker({
  sql,
  log,
  transport,
  from,
  batchSize = 16,
  pollMs = 1_000,
  leaseMs = 60_000,
  retryBaseMs = 1_000,
  retryMaxMs = 10 * 60_000,
  maxAttempts = 20,
  dbLimits,
}: {
  sql: Sql;
  log: Logger;
  transport: MailTransport;
  from: string;
  batchSize?: number;
  pollMs?: number;
  leaseMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** failures after which a mail is given up (`failed`); with the default backoff, about two hours */
  maxAttempts?: number;
  /** each statement's wait for a connection and its deadline (withConnection's 30 s and 60 s by default) */
  dbLimits?: Limits;
}): Promise<MailWorker> {
  let stopped = false;
  // a notification that arrives while a claim is running is not lost
  const alarm = createAlarm();
  const listener = await sql.listen(MAIL_CHANNEL, alarm.wake);
  log.info({ transport: transport.name }, "mail worker started");

  /** sends one mail; returns what to mark sent, or nothing when it failed (and was rescheduled or given up) */
  async function deliver(mail: OutgoingMail): Promise<{ mail: OutgoingMail; transportMessageId: string; mailLog: Logger } | undefined> {
    const mailLog = lazyChild(log, { orderId: mail.orderId, kind: mail.kind, messageId: mail.messageId, attempt: mail.attempts, transport: transport.name });
    let transportMessageId: string;
    try {
      ({ transportMessageId } = await transport.send({
        messageId: mail.messageId,
        orderId: mail.orderId,
        kind: mail.kind,
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html ?? undefined,
      }));
    } catch (error) {
      const message = (error as Error).message || String(error);
      if (error instanceof PermanentMailError || mail.attempts >= maxAttempts) {
        await withConnection(sql, (db) => markFailed(db, mail, message), dbLimits);
        mailLog.error({ err: error }, "mail given up");
        return undefined;
      }
      const delayMs = backoffMs(mail.attempts, { base: retryBaseMs, max: retryMaxMs });
      await withConnection(sql, (db) => retryLater(db, mail, { delayMs, error: message }), dbLimits);
      mailLog.warn({ err: error, retryInMs: delayMs }, "mail not sent; will retry");
      return undefined;
    }
    return { mail, transportMessageId, mailLog };
  }

  /**
   * sends a claimed round side by side, then records every mail sent in one statement: also when
   * recording another mail's failure threw (that mail keeps its claim until the lease runs out), so that
   * a mail the transport accepted is not sent again
   */
  async function deliverAll(due: OutgoingMail[]) {
    const results = await Promise.allSettled(due.map((mail) => deliver(mail)));
    const sent = results.flatMap((result) => (result.status === "fulfilled" && result.value ? [result.value] : []));
    // ← the window described above: accepted by the transport, not yet recorded as sent
    const marked = await recordSent(sent);
    for (const { mail, transportMessageId, mailLog } of sent) {
      if (marked.has(mail.id)) mailLog.info({ transportMessageId }, "mail sent");
      else mailLog.warn("mail sent, but the row was no longer this worker's claim (lease ran out during the send)");
    }
    const failed = results.find((result) => result.status === "rejected");
    if (failed) throw failed.reason; // the worker's database-error backoff
  }

  /**
   * marks the mails the transport accepted as sent, trying again (the pool gave no connection in time, or
   * PostgreSQL is restarting) for up to a lease's length: a mail not marked by the time its lease has run
   * out may be claimed and sent again, and SMTP cannot tell the copy from the first
   */
  async function recordSent(sent: Array<{ mail: OutgoingMail; transportMessageId: string }>): Promise<Set<string>> {
    if (sent.length === 0) return new Set();
    const until = Date.now() + leaseMs;
    for (let failures = 1; ; failures++) {
      try {
        return await withConnection(sql, (db) => markAllSent(db, sent), dbLimits);
      } catch (error) {
        const delayMs = backoffMs(failures, { base: 200, max: 5_000 });
        if (Date.now() + delayMs >= until) throw error;
        log.warn({ err: error, mails: sent.length, retryInMs: delayMs }, "mail worker: could not record mails sent; trying again while their lease lasts");
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  const loop = (async function work() {
    let failures = 0;
    while (!stopped) {
      try {
        // each statement on a connection of its own, under the pool wait and deadline every transaction
        // has: a plain pool query has neither, and one that never settled would stop this loop for good
        const due = await withConnection(sql, (db) => claimDue(db, { limit: batchSize, leaseMs }), dbLimits);
        await deliverAll(due);
        failures = 0;
        if (due.length > 0) continue;
      } catch (error) {
        failures += 1;
        log.error({ err: error }, "mail worker: database error");
        await new Promise((resolve) => setTimeout(resolve, backoffMs(failures, { base: 200, max: 5_000 })));
      }
      if (!stopped) await alarm.sleep(pollMs);
    }
  })();

  return {
    async stop() {
      stopped = true;
      alarm.wake();
      await loop;
      await listener.unlisten().catch(() => {});
      await transport.close?.();
    },
  };
}
