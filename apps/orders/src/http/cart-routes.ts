import { Hono } from "hono";
import { z } from "zod";
import { AddCartItem, MAX_CART_LINES, MAX_LINE_QTY, QuoteRequest, Sku, UpdateCartItem } from "@checkout/contracts";
import { currentUser, param, readJson, type AppEnv } from "@checkout/http";
import type { CartStore } from "../db/queries/carts.ts";
import type { ProductCatalog } from "../db/queries/product-cache.ts";
import { SHOP_CURRENCY } from "../domain/money.ts";
import type { CartPricing } from "./cart-pricing.ts";
import { CartNotFound, LineNotInCart, LineQuantityExceeded, ProductNotSold, TooManyLines } from "./errors.ts";

const CartId = z.uuid();

/** The cart API: carts in Redis, priced from the catalog at read time, and quotes; each cart is its creator's. */
export function cartRoutes({ carts, catalog, pricing, now }: { carts: CartStore; catalog: ProductCatalog; pricing: CartPricing; now: () => Date }) {
  return new Hono<AppEnv>()
    .post("/cart", async (c) => {
      const cartId = await carts.create(currentUser(c).id, now());
      return c.json({ cartId }, 201, { Location: `/api/cart/${cartId}` });
    })

    .get("/cart/:cartId", async (c) => {
      return c.json(await pricing.view(param(c, "cartId", CartId), currentUser(c).id));
    })

    .delete("/cart/:cartId", async (c) => {
      const cartId = param(c, "cartId", CartId);
      if (!(await carts.drop(cartId, currentUser(c).id))) throw new CartNotFound(cartId);
      return c.body(null, 204);
    })

    .post("/cart/:cartId/items", async (c) => {
      const cartId = param(c, "cartId", CartId);
      const owner = currentUser(c).id;
      const { sku, qty } = await readJson(c, AddCartItem);
      const product = (await catalog.bySku([sku])).get(sku);
      if (!product?.active || product.currency !== SHOP_CURRENCY) {
        if (!(await carts.read(cartId, owner))) throw new CartNotFound(cartId);
        throw new ProductNotSold(sku);
      }
      const outcome = await carts.add(cartId, owner, sku, qty, { maxQty: MAX_LINE_QTY, maxLines: MAX_CART_LINES });
      if (!outcome.ok) {
        if (outcome.reason === "qty_exceeded") throw new LineQuantityExceeded(sku, outcome.current, MAX_LINE_QTY);
        throw outcome.reason === "missing" ? new CartNotFound(cartId) : new TooManyLines(MAX_CART_LINES);
      }
      return c.json(await pricing.view(cartId, owner));
    })

    .patch("/cart/:cartId/items/:sku", async (c) => {
      const cartId = param(c, "cartId", CartId);
      const sku = param(c, "sku", Sku);
      const owner = currentUser(c).id;
      const { qty } = await readJson(c, UpdateCartItem);
      const outcome = await carts.setQty(cartId, owner, sku, qty);
      if (!outcome.ok) throw outcome.reason === "missing" ? new CartNotFound(cartId) : new LineNotInCart(sku);
      return c.json(await pricing.view(cartId, owner));
    })

    .delete("/cart/:cartId/items/:sku", async (c) => {
      const cartId = param(c, "cartId", CartId);
      const sku = param(c, "sku", Sku);
      const owner = currentUser(c).id;
      if (!(await carts.remove(cartId, owner, sku))) throw new CartNotFound(cartId);
      return c.json(await pricing.view(cartId, owner));
    })

    .post("/cart/:cartId/quote", async (c) => {
      const cartId = param(c, "cartId", CartId);
      const { address, promoCode } = await readJson(c, QuoteRequest);
      const { pricing: snapshot } = await pricing.price(cartId, currentUser(c).id, { address, promoCode });
      return c.json(snapshot);
    });
}
