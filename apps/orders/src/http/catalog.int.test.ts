import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProductView } from "@checkout/contracts";
import { freePort } from "@checkout/testing";
import { createProductCatalog } from "../db/queries/product-cache.ts";
import { CATALOG_SKUS } from "../seed/catalog.ts";
import { createOrdersApp } from "./app.ts";
import { fieldsOf, problemOf, startHarness, type Harness } from "./test-harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

describe("GET /api/products", () => {
  it("lists the active products with price, weight and availability", async () => {
    h.stock.levels.set("MUG-LOGO", 7);
    const response = await h.call("GET", "/api/products");
    expect(response.status).toBe(200);
    const { products } = (await response.json()) as { products: unknown[] };
    const views = products.map((p) => ProductView.parse(p));
    expect(views.map((p) => p.sku)).toEqual([...CATALOG_SKUS].sort());
    expect(views.find((p) => p.sku === "POSTER-RETRO")).toBeUndefined();
    expect(views.find((p) => p.sku === "MUG-LOGO")).toEqual({
      sku: "MUG-LOGO",
      name: "Logo Mug, 11 oz",
      price: { amount: 1_400, currency: "USD" },
      weightGrams: 350,
      available: 7,
    });
    // unknown to inventory (it 404s): nothing available
    expect(views.find((p) => p.sku === "CAP-NAVY")?.available).toBe(0);
  });
});

describe("GET /api/products/:sku", () => {
  it("answers a ProductView with the stock inventory reports", async () => {
    h.stock.levels.set("HOODIE-GRY-L", 3);
    const response = await h.call("GET", "/api/products/HOODIE-GRY-L");
    expect(response.status).toBe(200);
    expect(ProductView.parse(await response.json())).toMatchObject({ sku: "HOODIE-GRY-L", price: { amount: 5_500, currency: "USD" }, available: 3 });
  });

  it("404s an unknown or discontinued sku, 400s a malformed one", async () => {
    for (const sku of ["NOPE-123", "POSTER-RETRO"]) {
      const response = await h.call("GET", `/api/products/${sku}`);
      expect(response.status).toBe(404);
      expect(fieldsOf(await problemOf(response))).toEqual(["sku"]);
    }
    const malformed = await h.call("GET", "/api/products/mug%20logo");
    expect(malformed.status).toBe(400);
    expect(fieldsOf(await problemOf(malformed))).toEqual(["sku"]);
  });

  it("answers available: null, quickly, when inventory is unreachable or slow", async () => {
    const closed = createOrdersApp({ ...h.deps, inventoryUrl: `http://127.0.0.1:${await freePort()}` });
    const down = await closed.request("/api/products/MUG-LOGO");
    expect(down.status).toBe(200);
    expect(((await down.json()) as { available: unknown }).available).toBeNull();

    h.stock.delayMs = 2_000;
    try {
      const started = Date.now();
      const slow = await h.call("GET", "/api/products/MUG-LOGO");
      expect(((await slow.json()) as { available: unknown }).available).toBeNull();
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      h.stock.delayMs = 0;
    }
  });

  it("serves products from the Redis cache until invalidated", async () => {
    await h.call("GET", "/api/products/SOCKS-STRIPE"); // fills the cache
    await h.sql`UPDATE products SET price_minor = 1300 WHERE sku = 'SOCKS-STRIPE'`;
    const cached = (await (await h.call("GET", "/api/products/SOCKS-STRIPE")).json()) as { price: { amount: number } };
    expect(cached.price.amount).toBe(1_200);
    expect(await h.redis.ttl(`${h.deps.redisPrefix}catalog:product:SOCKS-STRIPE`)).toBeGreaterThan(0);

    const catalog = createProductCatalog({ sql: h.sql, redis: h.redis, prefix: h.deps.redisPrefix });
    await catalog.invalidate(["SOCKS-STRIPE"]);
    const fresh = (await (await h.call("GET", "/api/products/SOCKS-STRIPE")).json()) as { price: { amount: number } };
    expect(fresh.price.amount).toBe(1_300);

    await h.call("GET", "/api/products"); // caches the list
    await h.sql`UPDATE products SET active = false WHERE sku = 'SOCKS-STRIPE'`;
    await catalog.invalidate();
    const { products } = (await (await h.call("GET", "/api/products")).json()) as { products: { sku: string }[] };
    expect(products.map((p) => p.sku)).not.toContain("SOCKS-STRIPE");
    expect(products).toHaveLength(CATALOG_SKUS.length - 1);
  });
});
