import type { Address, CartView } from "@checkout/contracts";
import type { Sql } from "@checkout/db";
import { SHOP_CURRENCY } from "../domain/money.ts";
import { lineTotalOf, priceOrder, subtotalOf, type PricedItem, type PricedOrder } from "../domain/price-order.ts";
import { normalizePromoCode } from "../domain/promo.ts";
import type { CartStore, StoredCart } from "../db/queries/carts.ts";
import type { ProductCatalog } from "../db/queries/product-cache.ts";
import { selectPromo } from "../db/queries/promo-codes.ts";
import { CartNotFound, EmptyCart } from "./errors.ts";

export interface CartPricing {
  /** the cart of `owner` with lines priced from the catalog now; 404 naming cartId when it is gone (or not theirs) */
  view(cartId: string, owner: string): Promise<CartView>;
  /** the full price of the cart for a destination and promo code (the quote and the checkout) */
  price(cartId: string, owner: string, order: { address: Address; promoCode?: string | undefined }): Promise<PricedOrder>;
}

/**
 * Prices carts at read time from the catalog. A line whose product was withdrawn (inactive, deleted,
 * or not in the shop currency) is left out of the view, the quote and the checkout alike, so the
 * shopper pays for what the cart shows.
 */
export function createCartPricing({ sql, carts, catalog, now }: { sql: Sql; carts: CartStore; catalog: ProductCatalog; now: () => Date }): CartPricing {
  async function load(cartId: string, owner: string): Promise<{ cart: StoredCart; items: PricedItem[] }> {
    const cart = await carts.read(cartId, owner);
    if (!cart) throw new CartNotFound(cartId);
    const products = await catalog.bySku(cart.items.map((item) => item.sku));
    const items: PricedItem[] = [];
    for (const { sku, qty } of cart.items) {
      const product = products.get(sku);
      if (!product?.active || product.currency !== SHOP_CURRENCY) continue;
      items.push({ sku, name: product.name, qty, unitPrice: product.unitPrice, weightGrams: product.weightGrams });
    }
    return { cart, items };
  }

  return {
    async view(cartId, owner) {
      const { cart, items } = await load(cartId, owner);
      return {
        cartId,
        currency: SHOP_CURRENCY,
        lines: items.map(({ sku, name, qty, unitPrice }) => ({ sku, name, qty, unitPrice, lineTotal: lineTotalOf({ unitPrice, qty }) })),
        subtotal: subtotalOf(items),
        expiresAt: new Date(now().getTime() + cart.ttlMs).toISOString(),
      };
    },

    async price(cartId, owner, { address, promoCode }) {
      const { items } = await load(cartId, owner);
      if (items.length === 0) throw new EmptyCart(cartId);
      const code = promoCode ? normalizePromoCode(promoCode) : undefined;
      const promo = code ? await selectPromo(sql, code) : undefined;
      return priceOrder({ items, currency: SHOP_CURRENCY, destination: address, promoCode: code, promo, now: now() });
    },
  };
}
