import { Hono } from "hono";
import { z } from "zod";
import { Sku } from "@checkout/contracts";
import { NotFoundError, ConflictError, param, readJson, requireRole, requireUser, type AppEnv } from "@checkout/http";
import type { Sql } from "@checkout/db";
import { readStock, setOnHand } from "../db/stock.ts";
import { findReservation } from "../db/reservations.ts";

const SetStock = z.object({ onHand: z.number().int().min(0).max(10_000_000) });

/**
 * Stock levels (read by the orders service and by operators) and reservations by order. Reading is
 * public; setting the stock on hand takes an admin's bearer token (signed with `authSecret`).
 */
export function stockRoutes({ sql, authSecret }: { sql: Sql; authSecret: string }) {
  return new Hono<AppEnv>()
    .get("/api/stock", async (c) => c.json({ items: await readStock(sql) }))
    .get("/api/stock/:sku", async (c) => {
      const sku = param(c, "sku", Sku);
      const [level] = await readStock(sql, sku);
      if (!level) throw new NotFoundError("sku", sku);
      return c.json(level);
    })
    .put("/api/stock/:sku", requireUser({ secret: authSecret }), requireRole("admin"), async (c) => {
      const sku = param(c, "sku", Sku);
      const { onHand } = await readJson(c, SetStock);
      const level = await setOnHand(sql, sku, onHand);
      if (!level) throw new ConflictError("below_reserved", `${sku}: on hand cannot go below the units held by live reservations`);
      return c.json(level);
    })
    .get("/api/reservations/:orderId", async (c) => {
      const orderId = param(c, "orderId", z.uuid());
      const reservation = await findReservation(sql, orderId);
      if (!reservation) throw new NotFoundError("reservation for order", orderId);
      return c.json(reservation);
    });
}
