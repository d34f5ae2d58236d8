import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CartView, MAX_CART_LINES, MAX_LINE_QTY } from "@checkout/contracts";
import { createOrdersApp } from "./app.ts";
import { fieldsOf, problemOf, startHarness, type Harness } from "./test-harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ cartTtlSeconds: 600 });
});
afterAll(() => h?.close());

const view = async (response: Response) => {
  expect(response.status).toBe(200);
  return CartView.parse(await response.json());
};
const newCart = async () => {
  const response = await h.call("POST", "/api/cart");
  expect(response.status).toBe(201);
  return ((await response.json()) as { cartId: string }).cartId;
};
const cartKey = (cartId: string) => `${h.deps.redisPrefix}cart:${cartId}`;

describe("cart lifecycle", () => {
  it("creates, adds, increases, changes, removes, prices and deletes", async () => {
    const cartId = await newCart();
    const empty = await view(await h.call("GET", `/api/cart/${cartId}`));
    expect(empty).toMatchObject({ cartId, currency: "USD", lines: [], subtotal: 0 });
    expect(Date.parse(empty.expiresAt) - Date.now()).toBeGreaterThan(590_000);

    await view(await h.call("POST", `/api/cart/${cartId}/items`, { sku: "TSHIRT-RED-M", qty: 2 }));
    await view(await h.call("POST", `/api/cart/${cartId}/items`, { sku: "MUG-LOGO", qty: 1 }));
    const increased = await view(await h.call("POST", `/api/cart/${cartId}/items`, { sku: "TSHIRT-RED-M", qty: 1 }));
    expect(increased.lines).toEqual([
      { sku: "MUG-LOGO", name: "Logo Mug, 11 oz", qty: 1, unitPrice: 1_400, lineTotal: 1_400 },
      { sku: "TSHIRT-RED-M", name: "Classic Tee, Red, M", qty: 3, unitPrice: 2_000, lineTotal: 6_000 },
    ]);
    expect(increased.subtotal).toBe(7_400);

    const changed = await view(await h.call("PATCH", `/api/cart/${cartId}/items/MUG-LOGO`, { qty: 4 }));
    expect(changed.lines.find((l) => l.sku === "MUG-LOGO")?.qty).toBe(4);
    expect(changed.subtotal).toBe(6_000 + 5_600);

    const removed = await view(await h.call("DELETE", `/api/cart/${cartId}/items/TSHIRT-RED-M`));
    expect(removed.lines.map((l) => l.sku)).toEqual(["MUG-LOGO"]);

    expect((await h.call("DELETE", `/api/cart/${cartId}`)).status).toBe(204);
    const gone = await h.call("GET", `/api/cart/${cartId}`);
    expect(gone.status).toBe(404);
    expect(await problemOf(gone)).toMatchObject({ code: "cart_not_found", errors: [{ field: "cartId" }] });
    expect((await h.call("DELETE", `/api/cart/${cartId}`)).status).toBe(404);
  });

  it("prices lines from the catalog at read time and leaves out withdrawn products", async () => {
    const cartId = await h.cartWith({ "BOTTLE-STEEL": 1, "TOTE-CANVAS": 1 });
    await h.sql`UPDATE products SET active = false WHERE sku = 'TOTE-CANVAS'`;
    await h.redis.del(`${h.deps.redisPrefix}catalog:product:TOTE-CANVAS`);
    try {
      const cart = await view(await h.call("GET", `/api/cart/${cartId}`));
      expect(cart.lines.map((l) => l.sku)).toEqual(["BOTTLE-STEEL"]);
      expect(cart.subtotal).toBe(2_800);
    } finally {
      await h.sql`UPDATE products SET active = true WHERE sku = 'TOTE-CANVAS'`;
      await h.redis.del(`${h.deps.redisPrefix}catalog:product:TOTE-CANVAS`);
    }
  });

  it("expires after the TTL of inactivity; every write refreshes it", async () => {
    const shortLived = createOrdersApp({ ...h.deps, cartTtlSeconds: 1 });
    const { cartId } = (await (await shortLived.request("/api/cart", { method: "POST", headers: h.auth })).json()) as { cartId: string };
    const add = () =>
      shortLived.request(`/api/cart/${cartId}/items`, { method: "POST", headers: { ...h.auth, "content-type": "application/json" }, body: JSON.stringify({ sku: "CAP-NAVY", qty: 1 }) });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await add()).status).toBe(200); // refreshes the TTL
    expect(await h.redis.pttl(cartKey(cartId))).toBeGreaterThan(700);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await shortLived.request(`/api/cart/${cartId}`, { headers: h.auth })).status).toBe(200); // 1.2 s after creation, 0.6 s after the write
    await new Promise((resolve) => setTimeout(resolve, 700));
    const expired = await shortLived.request(`/api/cart/${cartId}`, { headers: h.auth });
    expect(expired.status).toBe(404);
    expect(fieldsOf(await problemOf(expired))).toEqual(["cartId"]);
    expect((await add()).status).toBe(404);
    expect(await h.redis.exists(cartKey(cartId))).toBe(0);
  });
});

describe("concurrency", () => {
  it("never loses an add: 50 parallel adds of 1 make 50", async () => {
    const cartId = await newCart();
    const responses = await Promise.all(Array.from({ length: 50 }, () => h.call("POST", `/api/cart/${cartId}/items`, { sku: "STICKER-PACK", qty: 1 })));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    const cart = await view(await h.call("GET", `/api/cart/${cartId}`));
    expect(cart.lines).toEqual([expect.objectContaining({ sku: "STICKER-PACK", qty: 50 })]);
  });

  it("never goes past the line limit under parallel adds", async () => {
    const cartId = await newCart();
    const responses = await Promise.all(Array.from({ length: 12 }, () => h.call("POST", `/api/cart/${cartId}/items`, { sku: "SOCKS-STRIPE", qty: 10 })));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(9);
    expect(statuses.filter((s) => s === 422)).toHaveLength(3);
    const cart = await view(await h.call("GET", `/api/cart/${cartId}`));
    expect(cart.lines[0]?.qty).toBe(90);
  });
});

describe("Redis", () => {
  it("carts keep working after Redis forgets its scripts, as after a restart (SCRIPT FLUSH)", async () => {
    const cartId = await h.cartWith({ "CAP-NAVY": 1 });
    await h.redis.script("FLUSH");
    expect((await h.call("POST", `/api/cart/${cartId}/items`, { sku: "CAP-NAVY", qty: 2 })).status).toBe(200);
    await h.redis.script("FLUSH");
    const cart = await view(await h.call("GET", `/api/cart/${cartId}`));
    expect(cart.lines).toEqual([expect.objectContaining({ sku: "CAP-NAVY", qty: 3 })]);
    expect(Date.parse(cart.expiresAt) - Date.now()).toBeGreaterThan(590_000);
  });
});

describe("limits and bad input: 4xx problem naming the field, cart unchanged", () => {
  let cartId: string;
  beforeAll(async () => {
    cartId = await h.cartWith({ "MUG-LOGO": 2 });
  });
  const unchanged = async () => {
    const cart = await view(await h.call("GET", `/api/cart/${cartId}`));
    expect(cart.lines).toEqual([expect.objectContaining({ sku: "MUG-LOGO", qty: 2 })]);
  };

  it.each([
    ["an unknown sku", { sku: "NOPE-1", qty: 1 }, 422, "sku"],
    ["a discontinued sku", { sku: "POSTER-RETRO", qty: 1 }, 422, "sku"],
    ["a malformed sku", { sku: "mug logo", qty: 1 }, 400, "sku"],
    ["a missing sku", { qty: 1 }, 400, "sku"],
    ["qty 0", { sku: "MUG-LOGO", qty: 0 }, 400, "qty"],
    ["a negative qty", { sku: "MUG-LOGO", qty: -1 }, 400, "qty"],
    ["a fractional qty", { sku: "MUG-LOGO", qty: 1.5 }, 400, "qty"],
    ["a huge qty", { sku: "MUG-LOGO", qty: 1e9 }, 400, "qty"],
    ["a string qty", { sku: "MUG-LOGO", qty: "2" }, 400, "qty"],
    ["a missing qty", { sku: "MUG-LOGO" }, 400, "qty"],
    ["a resulting qty over the line limit", { sku: "MUG-LOGO", qty: MAX_LINE_QTY - 1 }, 422, "qty"],
  ])("refuses %s", async (_, body, status, field) => {
    const response = await h.call("POST", `/api/cart/${cartId}/items`, body);
    expect(response.status).toBe(status);
    expect(fieldsOf(await problemOf(response))).toContain(field);
    await unchanged();
  });

  it("refuses malformed JSON, a wrong content type and an oversize body", async () => {
    const malformed = await h.call("POST", `/api/cart/${cartId}/items`, "{ not json");
    expect(malformed.status).toBe(400);
    expect(fieldsOf(await problemOf(malformed))).toEqual(["body"]);

    const text = await h.app.request(`/api/cart/${cartId}/items`, { method: "POST", headers: { ...h.auth, "content-type": "text/plain" }, body: '{"sku":"MUG-LOGO","qty":1}' });
    expect(text.status).toBe(415);
    expect(fieldsOf(await problemOf(text))).toEqual(["content-type"]);

    const huge = await h.call("POST", `/api/cart/${cartId}/items`, { sku: "MUG-LOGO", qty: 1, pad: "x".repeat(100_000) });
    expect(huge.status).toBe(413);
    expect(fieldsOf(await problemOf(huge))).toEqual(["body"]);
    await unchanged();
  });

  it("400s a malformed cart id and 404s an unknown one, naming cartId", async () => {
    for (const [path, status] of [
      ["/api/cart/not-a-uuid", 400],
      ["/api/cart/00000000-0000-4000-8000-000000000000", 404],
    ] as const) {
      const response = await h.call("POST", `${path}/items`, { sku: "MUG-LOGO", qty: 1 });
      expect(response.status).toBe(status);
      expect(fieldsOf(await problemOf(response))).toEqual(["cartId"]);
      expect(fieldsOf(await problemOf(await h.call("GET", path)))).toEqual(["cartId"]);
    }
    // unknown cart and unknown sku together: the cart is the first problem
    const both = await h.call("POST", "/api/cart/00000000-0000-4000-8000-000000000000/items", { sku: "NOPE-1", qty: 1 });
    expect(both.status).toBe(404);
  });

  it("PATCH refuses a line not in the cart and a bad qty", async () => {
    const notThere = await h.call("PATCH", `/api/cart/${cartId}/items/CAP-NAVY`, { qty: 1 });
    expect(notThere.status).toBe(404);
    expect(fieldsOf(await problemOf(notThere))).toEqual(["sku"]);
    const tooMany = await h.call("PATCH", `/api/cart/${cartId}/items/MUG-LOGO`, { qty: MAX_LINE_QTY + 1 });
    expect(tooMany.status).toBe(400);
    expect(fieldsOf(await problemOf(tooMany))).toEqual(["qty"]);
    await unchanged();
  });

  it(`refuses line ${MAX_CART_LINES + 1}`, async () => {
    const full = await newCart();
    // fill the hash directly: the catalog has fewer than MAX_CART_LINES products
    const fields = Object.fromEntries(Array.from({ length: MAX_CART_LINES }, (_, i) => [`FILLER-${i}`, "1"]));
    await h.redis.hset(cartKey(full), fields);
    const response = await h.call("POST", `/api/cart/${full}/items`, { sku: "MUG-LOGO", qty: 1 });
    expect(response.status).toBe(422);
    expect(await problemOf(response)).toMatchObject({ code: "cart_too_many_lines", errors: [{ field: "sku" }] });
    expect(await h.redis.hexists(cartKey(full), "MUG-LOGO")).toBe(0);
    // a line already in the cart can still grow
    await h.redis.hset(cartKey(full), "CAP-NAVY", "1");
    await h.redis.hdel(cartKey(full), "FILLER-0");
    expect((await h.call("POST", `/api/cart/${full}/items`, { sku: "CAP-NAVY", qty: 1 })).status).toBe(200);
  });
});
