import type { Redis } from "ioredis";
import type { Sql } from "@checkout/db";
import { selectActiveProducts, selectProducts, type Product } from "./products.ts";

export interface ProductCatalog {
  /** every active product, in sku order */
  listActive(): Promise<Product[]>;
  /** the products among `skus`, active or not, by sku; unknown skus are absent */
  bySku(skus: readonly string[]): Promise<Map<string, Product>>;
  /** forget cached products (all of them without `skus`): call after changing the catalog */
  invalidate(skus?: readonly string[]): Promise<void>;
}

/**
 * The catalog read through a Redis cache: each product under `<prefix>catalog:product:<sku>` and the
 * active list under `<prefix>catalog:active`, for `ttlSeconds` (so a change made without
 * invalidate() shows within a minute). PostgreSQL is read on a miss; unknown skus are not cached.
 */
export function createProductCatalog({ sql, redis, prefix, ttlSeconds = 60 }: { sql: Sql; redis: Redis; prefix: string; ttlSeconds?: number }): ProductCatalog {
  const productKey = (sku: string) => `${prefix}catalog:product:${sku}`;
  const activeKey = `${prefix}catalog:active`;

  return {
    async listActive() {
      const cached = await redis.get(activeKey);
      if (cached) return JSON.parse(cached) as Product[];
      const products = await selectActiveProducts(sql);
      await redis.set(activeKey, JSON.stringify(products), "EX", ttlSeconds);
      return products;
    },

    async bySku(skus) {
      const unique = [...new Set(skus)];
      const found = new Map<string, Product>();
      if (unique.length === 0) return found;
      const cached = await redis.mget(unique.map(productKey));
      const misses: string[] = [];
      unique.forEach((sku, i) => {
        const hit = cached[i];
        if (hit) found.set(sku, JSON.parse(hit) as Product);
        else misses.push(sku);
      });
      if (misses.length > 0) {
        const loaded = await selectProducts(sql, misses);
        const write = redis.multi();
        for (const product of loaded) {
          found.set(product.sku, product);
          write.set(productKey(product.sku), JSON.stringify(product), "EX", ttlSeconds);
        }
        if (loaded.length > 0) await write.exec();
      }
      return found;
    },

    async invalidate(skus) {
      if (skus) {
        await redis.del(activeKey, ...skus.map(productKey));
        return;
      }
      const keys: string[] = [activeKey];
      let cursor = "0";
      do {
        const [next, batch] = await redis.scan(cursor, "MATCH", `${globEscape(prefix)}catalog:product:*`, "COUNT", 500);
        keys.push(...batch);
        cursor = next;
      } while (cursor !== "0");
      await redis.del(...keys);
    },
  };
}

const globEscape = (text: string) => text.replace(/[*?[\]\\]/g, "\\$&");
