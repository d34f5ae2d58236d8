import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { CheckoutRequest } from "@checkout/contracts";
import { currentUser, HttpError, parseWith, problem, readJson, type AppEnv, type Metrics } from "@checkout/http";
import { childTraceparent } from "@checkout/messaging";
import type { CartStore } from "../db/queries/carts.ts";
import { IdempotencyKeyReused } from "./errors.ts";
import { connectionOf, Overloaded, stepAside, type Admission } from "./admission.ts";
import type { IdempotencyStore, StoredResponse } from "./idempotency.ts";
import type { PlaceOrder } from "./place-order.ts";
import { requestHashOf } from "./request-hash.ts";

const IdempotencyKey = z
  .string({ error: "is required" })
  .regex(/^[\x21-\x7E]{1,255}$/, "must be 1 to 255 visible ASCII characters");

const send = (c: Context, { status, body, headers }: StoredResponse, replayed: boolean) =>
  c.body(JSON.stringify(body), status as ContentfulStatusCode, { ...headers, ...(replayed ? { "Idempotent-Replayed": "true" } : {}) });

const storedHeaders = (headers: Headers) => Object.fromEntries([...headers].filter(([name]) => name !== "content-length"));

/** `orders_checkout_total{outcome}`: accepted, sold_out, refused, replayed, shed */
export const checkoutOutcomes = (metrics: Metrics) => metrics.counter("orders_checkout_total", "Checkout requests by outcome", ["outcome"]);

/**
 * POST /checkout: validate, claim the user's Idempotency-Key, place the order of the user's cart, store
 * the response, then delete the cart. Invalid requests (400/415/413) are refused before the claim and leave no record;
 * refusals of a valid request (unknown cart, bad promo, ...) are stored and replayed like successes;
 * a failure on our side releases the claim so that a retry runs again, and so does a 503 when the saga
 * is behind (a replay of an answered key is still answered). The in-flight bound is a middleware in
 * front of everything (app.ts).
 */
export function checkoutRoutes({
  idempotency,
  placeOrder,
  carts,
  metrics,
  admission,
}: {
  idempotency: IdempotencyStore;
  placeOrder: PlaceOrder;
  carts: CartStore;
  metrics: Metrics;
  admission: Admission;
}) {
  const outcomes = checkoutOutcomes(metrics);

  return new Hono<AppEnv>().post("/checkout", async (c) => {
    const { id: userId } = currentUser(c);
    const idempotencyKey = parseWith(IdempotencyKey, c.req.header("Idempotency-Key"), "Idempotency-Key");
    const request = await readJson(c, CheckoutRequest);
    const requestHash = requestHashOf(request);

    const claim = await idempotency.claim(userId, idempotencyKey, requestHash);
    if (claim.kind === "replay") {
      outcomes.inc({ outcome: "replayed" });
      return send(c, claim.response, true);
    }

    await admission.checkBacklog().catch(async (error: unknown) => {
      await claim.release();
      if (error instanceof HttpError) outcomes.inc({ outcome: "shed" });
      throw error;
    });
    let response: StoredResponse & { replayed: boolean };
    try {
      response = await placeOrder({
        userId,
        request,
        idempotencyKey,
        requestHash,
        traceparent: childTraceparent(c.req.header("traceparent")),
        keyFresh: !claim.tookOver,
        connection: connectionOf(c),
        stepAside: () => stepAside(c),
      });
    } catch (error) {
      // a 4xx is the answer to this request; the reuse refusal is not: the key belongs to another body
      if (error instanceof HttpError && error.status < 500 && !(error instanceof IdempotencyKeyReused)) {
        const refused = problem(c, error);
        await claim.complete({ status: refused.status, body: await refused.clone().json(), headers: storedHeaders(refused.headers) });
        outcomes.inc({ outcome: "refused" });
        return refused;
      }
      await claim.release();
      if (error instanceof Overloaded) outcomes.inc({ outcome: "shed" }); // the hot-SKU gate
      throw error;
    }

    const { replayed, ...stored } = response;
    await claim.complete(stored);
    await carts.drop(request.cartId, userId).catch((error: Error) => {
      c.get("log").warn({ err: error.message, cartId: request.cartId }, "order placed but the cart could not be deleted; it will expire");
    });
    const refused = (stored.body as { status?: string }).status === "CANCELLED";
    outcomes.inc({ outcome: replayed ? "replayed" : refused ? "sold_out" : "accepted" });
    if (!replayed) c.get("log").info({ orderId: (stored.body as { orderId: string }).orderId }, refused ? "order refused at checkout: sold out" : "order placed");
    return send(c, stored, replayed);
  });
}
