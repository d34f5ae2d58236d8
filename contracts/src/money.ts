import { z } from "zod";

/** ISO 4217 code, upper case. Money is always an integer amount of minor units plus a currency. */
export const Currency = z.string().regex(/^[A-Z]{3}$/, "a 3-letter ISO 4217 code in upper case");
export const MinorUnits = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
export const Money = z.object({ amount: MinorUnits, currency: Currency });
export type Money = z.infer<typeof Money>;

export const Sku = z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,63}$/, "upper-case letters, digits and dashes");
export const OrderId = z.uuid();

export const Address = z.object({
  name: z.string().trim().min(1).max(200),
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().max(200).optional(),
  city: z.string().trim().min(1).max(100),
  postalCode: z.string().trim().min(1).max(20),
  /** ISO 3166-2 subdivision where it matters for tax (e.g. US-CA), otherwise the country code. */
  region: z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/).optional(),
  country: z.string().regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 code in upper case"),
});
export type Address = z.infer<typeof Address>;
