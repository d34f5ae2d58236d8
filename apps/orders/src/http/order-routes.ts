import { Hono } from "hono";
import { z } from "zod";
import type { OrderView } from "@checkout/contracts";
import type { Sql } from "@checkout/db";
import { currentUser, param, type AppEnv } from "@checkout/http";
import { selectOrder, selectTimeline } from "../db/queries/orders.ts";
import { OrderNotFound } from "./errors.ts";
import { canRead } from "./ownership.ts";

/** GET /orders/:orderId: status, pricing snapshot, lines and the timeline of one order (its shopper's, or any for an admin). */
export function orderRoutes({ sql }: { sql: Sql }) {
  return new Hono<AppEnv>().get("/orders/:orderId", async (c) => {
    const orderId = param(c, "orderId", z.uuid());
    const order = await selectOrder(sql, orderId);
    if (!order || !canRead(currentUser(c), order.userId)) throw new OrderNotFound(orderId);
    const timeline = await selectTimeline(sql, orderId);
    const view: OrderView = {
      orderId: order.id,
      status: order.status,
      version: order.version,
      cancelReason: order.cancelReason,
      cancelDetail: order.cancelDetail,
      tracking: order.tracking,
      pricing: order.pricing,
      lines: order.lines,
      createdAt: order.createdAt.toISOString(),
      updatedAt: order.updatedAt.toISOString(),
      timeline: timeline.map(({ type, at, source, detail }) => ({ type, at: at.toISOString(), source, ...(detail ? { detail } : {}) })),
    };
    return c.json(view);
  });
}
