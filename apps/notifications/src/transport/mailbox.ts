import type { Sql } from "@checkout/db";
import { deliverToMailbox } from "../db/mailbox.ts";
import type { MailTransport } from "./transport.ts";

/**
 * The default transport: "sending" stores the mail in the `mailbox` table of the service's own
 * database, where GET /api/mailbox shows it. The insert is idempotent by Message-ID, so a mail sent again
 * after a crash (see worker/mail-worker.ts) is stored once: with this transport, exactly once end to end.
 */
export function mailboxTransport(sql: Sql): MailTransport {
  return {
    name: "mailbox",
    async send(mail) {
      const id = await deliverToMailbox(sql, mail);
      return { transportMessageId: `mailbox:${id}` };
    },
  };
}
