import { randomUUID } from "node:crypto";
import { OrderPlaced, OrderRefused, type CancelReason, type CheckoutRequest, type OrderStatus, type PriceSnapshot } from "@checkout/contracts";
import { createBatcher, type Sql } from "@checkout/db";
import { OUTBOX_CHANNEL, outboxRow } from "@checkout/messaging";
import { placePendingOrders, selectOrderByIdempotencyKey, type NewOrder, type Placement, type PlacedOrder } from "../db/queries/orders.ts";
import type { PricedOrder } from "../domain/price-order.ts";
import type { CartPricing } from "./cart-pricing.ts";
import { CartAlreadyOrdered, CartNotFound, EmptyCart, IdempotencyKeyReused } from "./errors.ts";
import type { StoredResponse } from "./idempotency.ts";
import type { Connection } from "./admission.ts";
import type { GatePass, SkuGate } from "./sku-gate.ts";

export interface PlaceOrderInput {
  /** the user placing the order (the token's sub): the cart must be theirs, the key is theirs */
  userId: string;
  request: CheckoutRequest;
  idempotencyKey: string;
  requestHash: string;
  traceparent: string;
  /**
   * the Idempotency-Key was just claimed in the KV bucket, not taken over: no order answered under it
   * in the bucket's lifetime, so the lookup before pricing is skipped (the UNIQUE index still answers
   * an older order with the same key, and so does a cart that is already gone)
   */
  keyFresh?: boolean;
  /** the client's connection: a checkout that waits at the hot-SKU gate is dropped if it closes */
  connection?: Connection | undefined;
  /**
   * called when the checkout starts to wait at the hot-SKU gate: gives up its in-flight slot, and returns
   * how to take one again once it goes on
   */
  stepAside?: () => (() => Promise<void>) | undefined;
}

export type PlaceOrder = (input: PlaceOrderInput) => Promise<StoredResponse & { replayed: boolean }>;

/**
 * Prices the cart into an immutable snapshot and, in one statement (shared with the checkouts that
 * reach it at the same moment), writes the PENDING order, its OrderPlaced event (outbox) and the first
 * timeline entry. An order already placed with the same
 * Idempotency-Key (found before pricing, or by the UNIQUE column on insert) is answered instead of
 * placing a second one; with another request body it is a 422. `onPlaced` runs once a new order is
 * committed (the relay of this process starts at once).
 *
 * An order with a SKU that `soldOut` names (inventory lately found it empty: domain/sold-out.ts) is not
 * sent through the saga to be rejected there: it is written CANCELLED(out_of_stock) at once, with an
 * OrderRefused instead of an OrderPlaced, and the answer says so. Nothing was reserved or charged for
 * it, so there is nothing to undo, and no other service reacts to it (ADR 0010).
 *
 * Before it is placed, an order passes the hot-SKU gate (`gate`, ADR 0014): while inventory has not yet
 * decided `maxPerSku` orders of one of its SKUs, it waits for those decisions. If the SKU is sold out
 * by then, it is refused as above.
 */
export function createPlaceOrder({
  sql,
  pricing,
  now,
  publicUrl,
  onPlaced = () => {},
  soldOut = () => [],
  gate,
}: {
  sql: Sql;
  pricing: CartPricing;
  now: () => Date;
  publicUrl?: string | undefined;
  onPlaced?: () => void;
  /** the SKUs of these known to be sold out right now */
  soldOut?: (skus: string[]) => string[];
  /** the hot-SKU gate; none: no order waits for inventory's decisions */
  gate?: SkuGate | undefined;
}): PlaceOrder {
  const accepted = (orderId: string, status: OrderStatus, snapshot: PriceSnapshot, replayed: boolean, cancelled?: { reason: CancelReason; detail?: string | undefined }) => {
    const statusUrl = `/api/orders/${orderId}`;
    return {
      status: 202,
      body: { orderId, status, total: { amount: snapshot.total, currency: snapshot.currency }, statusUrl, ...(cancelled ? { cancelReason: cancelled.reason, ...(cancelled.detail ? { cancelDetail: cancelled.detail } : {}) } : {}) },
      headers: { "Content-Type": "application/json", Location: `${publicUrl?.replace(/\/+$/, "") ?? ""}${statusUrl}` },
      replayed,
    };
  };
  // the checkouts that reach this point together are placed with one statement
  const place = createBatcher<{ order: NewOrder; placement: Placement }, Awaited<ReturnType<typeof placePendingOrders>>[number]>({ run: (batch) => placePendingOrders(sql, batch) });
  const answerWith = (existing: PlacedOrder, requestHash: string) => {
    if (existing.requestHash !== requestHash) throw new IdempotencyKeyReused();
    // the order as it is now: a CANCELLED one (refused at checkout, or since) says why
    const cancelled = existing.status === "CANCELLED" && existing.cancelReason ? { reason: existing.cancelReason, detail: existing.cancelDetail ?? undefined } : undefined;
    return accepted(existing.id, existing.status, existing.pricing, true, cancelled);
  };

  // the gate's pass for an order of `skus` that no sold-out SKU refuses: held until the order is placed
  const passGate = async (skus: string[], { connection, stepAside }: Pick<PlaceOrderInput, "connection" | "stepAside">): Promise<{ pass?: GatePass; empty: string[] }> => {
    const empty = soldOut(skus);
    if (empty.length > 0 || !gate) return { empty };
    let comeBack: (() => Promise<void>) | undefined;
    const entered = gate.enter(skus, { connection, onWait: () => (comeBack = stepAside?.()) });
    if (!(entered instanceof Promise)) return { pass: entered, empty };
    const pass = await entered;
    try {
      await comeBack?.();
    } catch (error) {
      pass.done();
      throw error;
    }
    return { pass, empty: soldOut(skus) }; // the SKU may have sold out while it waited
  };

  return async function placeOrder({ userId, request, idempotencyKey, requestHash, traceparent, keyFresh = false, connection, stepAside }) {
    const existing = keyFresh ? undefined : await selectOrderByIdempotencyKey(sql, userId, idempotencyKey);
    if (existing) return answerWith(existing, requestHash);

    let priced: PricedOrder;
    try {
      priced = await pricing.price(request.cartId, userId, request);
    } catch (error) {
      // another instance may have placed this very order and deleted the cart meanwhile
      const placed = error instanceof CartNotFound || error instanceof EmptyCart ? await selectOrderByIdempotencyKey(sql, userId, idempotencyKey) : undefined;
      if (placed) return answerWith(placed, requestHash);
      throw error;
    }
    const { pass, empty } = await passGate([...new Set(priced.lines.map((line) => line.sku))], { connection, stepAside });
    try {
      return await placePriced({ userId, request, idempotencyKey, requestHash, traceparent, priced, empty, pass });
    } finally {
      pass?.done();
    }
  };

  async function placePriced({ userId, request, idempotencyKey, requestHash, traceparent, priced, empty, pass }: PlaceOrderInput & { priced: PricedOrder; empty: string[]; pass: GatePass | undefined }) {
    const { lines, pricing: snapshot } = priced;
    const orderId = randomUUID();
    const at = now();
    const customer = { userId, email: request.email };
    const refused = empty.length ? { reason: "out_of_stock" as const, detail: empty.map((sku) => `${sku}: sold out (refused at checkout)`).join("; ") } : undefined;
    const event = refused
      ? OrderRefused.create(orderId, { orderId, ...refused, soldOut: empty, customer }, { time: at })
      : OrderPlaced.create(
          orderId,
          {
            orderId,
            customer,
            lines,
            pricing: snapshot,
            paymentMethod: request.paymentMethod,
            shippingAddress: request.address,
            placedAt: at.toISOString(),
          },
          { time: at },
        );

    if (!refused) pass?.placing(orderId); // its decision may be heard before the insert's answer
    const outcome = await place({
      order: {
        id: orderId,
        userId,
        cartId: request.cartId,
        email: request.email,
        lines,
        pricing: snapshot,
        shippingAddress: request.address,
        paymentMethod: request.paymentMethod,
        idempotencyKey,
        requestHash,
        at,
        ...(refused ? { refused } : {}),
      },
      placement: {
        timeline: refused
          ? { eventId: event.id, type: "OrderRefused", source: "orders", at, detail: { status: "CANCELLED", reason: refused.reason, soldOut: empty } }
          : { eventId: event.id, type: "OrderPlaced", source: "orders", at, detail: { total: { amount: snapshot.total, currency: snapshot.currency } } },
        outbox: outboxRow({ event, traceparent }),
        channel: OUTBOX_CHANNEL,
      },
    });
    if (outcome.inserted) {
      pass?.placed();
      onPlaced();
      return refused ? accepted(orderId, "CANCELLED", snapshot, false, refused) : accepted(orderId, "PENDING", snapshot, false);
    }
    if ("cartOrdered" in outcome) throw new CartAlreadyOrdered(request.cartId);
    return answerWith(outcome.existing, requestHash);
  }
}
