import { Hono } from "hono";
import { z } from "zod";
import { NotFoundError, param, type AppEnv } from "@checkout/http";
import type { Sql } from "@checkout/db";
import { findShipment } from "../db/shipments.ts";

/** The shipment of an order: tracking for the shopper, status and refusal reason for operators. */
export function shipmentRoutes({ sql }: { sql: Sql }) {
  return new Hono<AppEnv>().get("/api/shipments/:orderId", async (c) => {
    const orderId = param(c, "orderId", z.uuid());
    const shipment = await findShipment(sql, orderId);
    if (!shipment) throw new NotFoundError("shipment for order", orderId);
    return c.json(shipment);
  });
}
