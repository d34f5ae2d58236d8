import { Hono } from "hono";
import { z } from "zod";
import { NotFoundError, param, type AppEnv } from "@checkout/http";
import type { Sql } from "@checkout/db";
import { findPayment } from "../db/payments.ts";
import { retryRoute } from "./retry-route.ts";

export function paymentRoutes({ sql }: { sql: Sql }) {
  return new Hono<AppEnv>()
    .get("/api/payments/:orderId", async (c) => {
      const orderId = param(c, "orderId", z.uuid());
      const payment = await findPayment(sql, orderId);
      if (!payment) throw new NotFoundError("payment for order", orderId);
      const { paymentMethod: _hidden, ...visible } = payment;
      return c.json(visible);
    })
    .route("/", retryRoute({ sql }));
}
