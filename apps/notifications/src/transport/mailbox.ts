import { createBatcher, withConnection, type Sql } from "@checkout/db";
import { deliverAllToMailbox } from "../db/mailbox.ts";
import type { Mail, MailTransport } from "./transport.ts";

/**
 * The default transport: "sending" stores the mail in the `mailbox` table of the service's own
 * database, where GET /api/mailbox shows it. The insert is idempotent by Message-ID, so a mail sent again
 * after a crash (see worker/mail-worker.ts) is stored once: with this transport, exactly once end to end.
 * The mails the worker sends side by side are stored with one statement.
 */
export function mailboxTransport(sql: Sql): MailTransport {
  // under withConnection's time limits, as the worker's own statements: a send must not wait for ever
  const deliver = createBatcher<Mail, string>({ run: (mails) => withConnection(sql, (db) => deliverAllToMailbox(db, mails)) });
  return {
    name: "mailbox",
    async send(mail) {
      return { transportMessageId: `mailbox:${await deliver(mail)}` };
    },
  };
}
