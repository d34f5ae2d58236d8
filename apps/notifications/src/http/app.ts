import { Hono } from "hono";
import { z } from "zod";
import { NotFoundError, param, parseWith, type AppEnv } from "@checkout/http";
import type { Sql } from "@checkout/db";
import { findMail, listMailbox } from "../db/mailbox.ts";
import { mailsForOrder } from "../db/outgoing-mail.ts";

const MailboxQuery = z.object({
  to: z.email().optional(),
  orderId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/**
 * The local mailbox (what the shopper received with MAIL_TRANSPORT=mailbox), newest first, and what
 * became of each mail of an order (pending, sent, failed, with attempts and the last error).
 */
export function notificationRoutes({ sql }: { sql: Sql }) {
  return new Hono<AppEnv>()
    .get("/api/mailbox", async (c) => {
      const query = parseWith(MailboxQuery, c.req.query());
      return c.json({ items: await listMailbox(sql, query) });
    })
    .get("/api/mailbox/:id", async (c) => {
      const id = param(c, "id", z.string().regex(/^[1-9][0-9]{0,17}$/, "a mail id (a positive integer)"));
      const mail = await findMail(sql, id);
      if (!mail) throw new NotFoundError("mail", id);
      return c.json(mail);
    })
    .get("/api/notifications/:orderId", async (c) => {
      const orderId = param(c, "orderId", z.uuid());
      const mails = await mailsForOrder(sql, orderId);
      return c.json({
        orderId,
        items: mails.map(({ text: _text, html: _html, leaseUntil: _lease, ...visible }) => visible),
      });
    });
}
