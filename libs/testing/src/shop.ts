import { randomUUID } from "node:crypto";
import { waitFor } from "./wait.ts";
import { adminHeaders, authHeaders, TEST_JWT_SECRET } from "./auth.ts";

export const ADDRESS = { name: "Ada Lovelace", line1: "1 Main St", city: "Portland", postalCode: "97201", region: "US-OR", country: "US" };

export interface ShopOptions {
  paymentMethod?: string;
  key?: string;
  email?: string;
  address?: Record<string, string>;
}

/** What the shopper reads of an answer: the part of a `Response` a buffered body offers (the bench's fetch gives no more). */
export type ShopResponse = Pick<Response, "status" | "ok" | "statusText" | "headers" | "text" | "json" | "arrayBuffer" | "body">;

/**
 * A shopper and an operator talking to a running system over HTTP, for the e2e tests. The shopper is
 * `user` (a new one unless named) with a bearer token signed with `secret` (the AUTH_JWT_SECRET that
 * startSystem gives the services); the operator (setStock) sends an admin's token. Requests go through
 * `fetch` (the global one unless given: the bench gives a cheaper one).
 */
export function shopper(
  urls: { orders: string; inventory: string; stripe?: string },
  {
    user = `shopper-${randomUUID()}`,
    secret = TEST_JWT_SECRET,
    fetch = globalThis.fetch,
  }: { user?: string; secret?: string; fetch?: (url: string, init?: RequestInit) => Promise<ShopResponse> } = {},
) {
  const json = async <T = any>(response: ShopResponse): Promise<T> => (await response.json()) as T;
  let signed: Promise<Record<string, string>> | undefined;
  let signedAdmin: Promise<Record<string, string>> | undefined;
  /** the shopper's Authorization header (signed once, valid for an hour) */
  const auth = () => (signed ??= authHeaders(user, { secret }));
  const admin = () => (signedAdmin ??= adminHeaders({ secret }));
  /** fetch as the shopper: `Authorization: Bearer …` added */
  const send = async (url: string, init: RequestInit = {}) => fetch(url, { ...init, headers: { ...(await auth()), ...(init.headers as Record<string, string> | undefined) } });
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    send(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

  const shop = {
    user,
    auth,
    fetch: send,
    async setStock(sku: string, onHand: number) {
      const response = await fetch(`${urls.inventory}/api/stock/${sku}`, { method: "PUT", headers: { "content-type": "application/json", ...(await admin()) }, body: JSON.stringify({ onHand }) });
      if (response.status !== 200) throw new Error(`set stock ${sku}: ${response.status} ${await response.text()}`);
    },
    stockOf: async (sku: string) => json<{ onHand: number; reserved: number; available: number }>(await fetch(`${urls.inventory}/api/stock/${sku}`)),
    async cartWith(lines: Array<{ sku: string; qty: number }>): Promise<string> {
      const { cartId } = await json<{ cartId: string }>(await send(`${urls.orders}/api/cart`, { method: "POST" }));
      for (const line of lines) {
        const response = await post(`${urls.orders}/api/cart/${cartId}/items`, line);
        if (response.status !== 200) throw new Error(`add ${line.sku}: ${response.status} ${await response.text()}`);
      }
      return cartId;
    },
    checkout(cartId: string, { paymentMethod = "pm_card_visa", key = randomUUID(), email = "ada@example.com", address = ADDRESS }: ShopOptions = {}) {
      return post(`${urls.orders}/api/checkout`, { cartId, email, paymentMethod, address }, { "idempotency-key": key });
    },
    async placeOrder(lines: Array<{ sku: string; qty: number }>, options?: ShopOptions): Promise<string> {
      const response = await shop.checkout(await shop.cartWith(lines), options);
      if (response.status !== 202) throw new Error(`checkout: ${response.status} ${await response.text()}`);
      return (await json<{ orderId: string }>(response)).orderId;
    },
    order: async (orderId: string) => json(await send(`${urls.orders}/api/orders/${orderId}`)),
    cancel: (orderId: string) => send(`${urls.orders}/api/orders/${orderId}/cancel`, { method: "POST" }),
    /** waits until the order is in one of `statuses` (default: a terminal one) */
    waitForStatus: (orderId: string, statuses: string[] = ["COMPLETED", "CANCELLED"], timeoutMs = 30_000) =>
      waitFor(async () => {
        const order = await shop.order(orderId);
        return statuses.includes(order.status) ? order : undefined;
      }, { timeoutMs, what: `order ${orderId} to be ${statuses.join(" or ")}` }),
    intentsOf: async (orderId: string) =>
      (await json<{ data: Array<{ id: string; status: string; amount: number; amount_captured: number; amount_refunded: number }> }>(await fetch(`${urls.stripe}/_sim/payment_intents?order_id=${orderId}`))).data,
    json,
  };
  return shop;
}
