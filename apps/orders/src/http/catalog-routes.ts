import { Hono } from "hono";
import { Sku } from "@checkout/contracts";
import { param, type AppEnv } from "@checkout/http";
import type { Product } from "../db/queries/products.ts";
import type { ProductCatalog } from "../db/queries/product-cache.ts";
import { ProductNotFound } from "./errors.ts";
import type { StockLookup } from "./stock-client.ts";

/** GET /products and /products/:sku: the active catalog with live availability from inventory. */
export function catalogRoutes({ catalog, availableStock }: { catalog: ProductCatalog; availableStock: StockLookup }) {
  const view = async (product: Product) => ({
    sku: product.sku,
    name: product.name,
    price: { amount: product.unitPrice, currency: product.currency },
    weightGrams: product.weightGrams,
    available: await availableStock(product.sku),
  });

  return new Hono<AppEnv>()
    .get("/products", async (c) => {
      const products = await catalog.listActive();
      return c.json({ products: await Promise.all(products.map(view)) });
    })
    .get("/products/:sku", async (c) => {
      const sku = param(c, "sku", Sku);
      const product = (await catalog.bySku([sku])).get(sku);
      if (!product?.active) throw new ProductNotFound(sku);
      return c.json(await view(product));
    });
}
