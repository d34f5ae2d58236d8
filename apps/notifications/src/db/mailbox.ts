import type { Sql, TransactionSql } from "@checkout/db";

type Db = Sql | TransactionSql;

export interface MailboxEntry {
  id: string;
  messageId: string;
  orderId: string;
  kind: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  sentAt: Date;
}

const columns = (sql: Db) => sql`
  id::text AS id, message_id AS "messageId", order_id AS "orderId", kind, from_address AS "from", to_address AS "to",
  subject, text_body AS "text", html_body AS "html", sent_at AS "sentAt"`;

/** Stores a delivered mail; a second delivery of the same Message-ID changes nothing. Returns the row id. */
export async function deliverToMailbox(
  sql: Db,
  mail: { messageId: string; orderId: string; kind: string; from: string; to: string; subject: string; text: string; html?: string | null | undefined },
): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    WITH inserted AS (
      INSERT INTO mailbox (message_id, order_id, kind, from_address, to_address, subject, text_body, html_body)
      VALUES (${mail.messageId}, ${mail.orderId}, ${mail.kind}, ${mail.from}, ${mail.to}, ${mail.subject}, ${mail.text}, ${mail.html ?? null})
      ON CONFLICT (message_id) DO NOTHING RETURNING id)
    SELECT id::text AS id FROM inserted
    UNION ALL SELECT id::text AS id FROM mailbox WHERE message_id = ${mail.messageId}
    LIMIT 1`;
  return row!.id;
}

/** The mailbox, newest first, narrowed to one recipient (case-insensitive) and/or one order. */
export async function listMailbox(sql: Db, { to, orderId, limit }: { to?: string | undefined; orderId?: string | undefined; limit: number }): Promise<MailboxEntry[]> {
  return sql<MailboxEntry[]>`
    SELECT ${columns(sql)} FROM mailbox
    WHERE true ${to ? sql`AND lower(to_address) = lower(${to})` : sql``} ${orderId ? sql`AND order_id = ${orderId}` : sql``}
    ORDER BY mailbox.id DESC LIMIT ${limit}`;
}

export async function findMail(sql: Db, id: string): Promise<MailboxEntry | undefined> {
  const [row] = await sql<MailboxEntry[]>`SELECT ${columns(sql)} FROM mailbox WHERE id = ${id}`;
  return row;
}
