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

/** Stores delivered mails, in one statement; a second delivery of the same Message-ID changes nothing. The row ids, in the order given. */
export async function deliverAllToMailbox(
  sql: Db,
  mails: Array<{ messageId: string; orderId: string; kind: string; from: string; to: string; subject: string; text: string; html?: string | null | undefined }>,
): Promise<string[]> {
  const rows = mails.map((m) => ({ message_id: m.messageId, order_id: m.orderId, kind: m.kind, from_address: m.from, to_address: m.to, subject: m.subject, text_body: m.text, html_body: m.html ?? null }));
  const stored = await sql<{ id: string; message_id: string }[]>`
    WITH given AS (SELECT * FROM jsonb_populate_recordset(NULL::mailbox, ${sql.json(rows as never)})),
    inserted AS (
      INSERT INTO mailbox (message_id, order_id, kind, from_address, to_address, subject, text_body, html_body)
      SELECT message_id, order_id, kind, from_address, to_address, subject, text_body, html_body FROM given
      ON CONFLICT (message_id) DO NOTHING RETURNING id, message_id)
    SELECT id::text AS id, message_id FROM inserted
    UNION ALL SELECT m.id::text, m.message_id FROM mailbox m JOIN given g ON g.message_id = m.message_id`;
  const idOf = new Map(stored.map((row) => [row.message_id, row.id]));
  return mails.map((mail) => idOf.get(mail.messageId)!);
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
