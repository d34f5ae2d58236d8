import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import type { OrderStatusEvent } from "@checkout/contracts";
import type { Sql } from "@checkout/db";
import { currentUser, param, parseWith, type AppEnv } from "@checkout/http";
import { OrderNotFound } from "./errors.ts";
import type { StatusFeed } from "./status-feed.ts";
import { canRead } from "./ownership.ts";

const TERMINAL = new Set(["COMPLETED", "CANCELLED"]);
const LastEventId = z.coerce.number().int().min(0).max(1_000_000);

/**
 * GET /orders/:orderId/events: the order's status changes as Server-Sent Events (event `status`, id =
 * version). A client that reconnects with Last-Event-ID gets the changes it missed, from the history.
 * The stream ends after a terminal status; GET /orders/:orderId remains the polling fallback. Who may
 * read the order may stream it: its shopper, or an admin.
 */
export function orderEventsRoute({ sql, feed, heartbeatMs = 15_000 }: { sql: Sql; feed: StatusFeed; heartbeatMs?: number }) {
  return new Hono<AppEnv>().get("/orders/:orderId/events", async (c) => {
    const orderId = param(c, "orderId", z.uuid());
    const header = c.req.header("last-event-id");
    let sent = header === undefined ? 0 : parseWith(LastEventId, header, "Last-Event-ID");
    const [order] = await sql<Array<{ user_id: string | null }>>`SELECT user_id FROM orders WHERE id = ${orderId}`;
    if (!order || !canRead(currentUser(c), order.user_id)) throw new OrderNotFound(orderId);

    return streamSSE(c, async (stream) => {
      let wake: () => void = () => {};
      const unsubscribe = await feed.subscribe(orderId, () => wake());
      stream.onAbort(() => wake());
      try {
        while (!stream.aborted) {
          const changed = new Promise<void>((resolve) => (wake = resolve));
          const rows = await sql<Array<{ version: number; status: string; cancel_reason: string | null; at: Date }>>`
            SELECT version, status, cancel_reason, at FROM order_status_history WHERE order_id = ${orderId} AND version > ${sent} ORDER BY version`;
          for (const row of rows) {
            const event: OrderStatusEvent = { orderId, version: row.version, status: row.status as OrderStatusEvent["status"], cancelReason: row.cancel_reason as OrderStatusEvent["cancelReason"], at: row.at.toISOString() };
            await stream.writeSSE({ event: "status", id: String(row.version), data: JSON.stringify(event) });
            sent = row.version;
            if (TERMINAL.has(row.status)) return;
          }
          const heartbeat = setTimeout(() => void stream.write(": keep-alive\n\n").catch(() => {}), heartbeatMs);
          await changed;
          clearTimeout(heartbeat);
        }
      } finally {
        unsubscribe();
      }
    });
  });
}
