import { z } from "zod";
import { Currency, MinorUnits, Sku } from "../money.ts";

export const MAX_LINE_QTY = 99;
export const MAX_CART_LINES = 50;

export const Quantity = z
  .number({ error: "must be a whole number" })
  .int("must be a whole number")
  .min(1, "must be at least 1")
  .max(MAX_LINE_QTY, `must be at most ${MAX_LINE_QTY}`);

export const AddCartItem = z.object({ sku: Sku, qty: Quantity });
export const UpdateCartItem = z.object({ qty: Quantity });

export const CartLineView = z.object({
  sku: Sku,
  name: z.string(),
  qty: z.number().int(),
  unitPrice: MinorUnits,
  lineTotal: MinorUnits,
});

export const CartView = z.object({
  cartId: z.uuid(),
  currency: Currency,
  lines: z.array(CartLineView),
  subtotal: MinorUnits,
  expiresAt: z.iso.datetime({ offset: true }),
});
export type CartView = z.infer<typeof CartView>;

export const ProductView = z.object({
  sku: Sku,
  name: z.string(),
  price: z.object({ amount: MinorUnits, currency: Currency }),
  weightGrams: z.number().int().nonnegative(),
  /** units that can be bought now; null when inventory could not be asked */
  available: z.number().int().nonnegative().nullable(),
});
