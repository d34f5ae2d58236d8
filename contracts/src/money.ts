import { z } from "zod";

/** ISO 4217 code, upper case. Money is always an integer amount of minor units plus a currency. */
export const Currency = z.string().regex(/^[A-Z]{3}$/, "a 3-letter ISO 4217 code in upper case");
export const MinorUnits = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
export const Money = z.object({ amount: MinorUnits, currency: Currency });
export type Money = z.infer<typeof Money>;

export const Sku = z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,63}$/, "upper-case letters, digits and dashes");
export const OrderId = z.uuid();

const NUL = /\u0000/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * One line of text a person typed: trimmed, at most `max` characters, without NUL (PostgreSQL cannot
 * store it) and well-formed Unicode (a lone surrogate makes a jsonb column refuse the row). Neither could
 * ever be stored, so no published event holds one: refusing them changes no contract.
 */
export const textLine = ({ min = 0, max }: { min?: number; max: number }) => {
  const sized = min > 0 ? z.string().trim().min(min).max(max) : z.string().trim().max(max);
  return sized.refine((value) => !NUL.test(value) && !LONE_SURROGATE.test(value), "must not contain NUL characters or invalid Unicode");
};

export const Address = z.object({
  name: textLine({ min: 1, max: 200 }),
  line1: textLine({ min: 1, max: 200 }),
  line2: textLine({ max: 200 }).optional(),
  city: textLine({ min: 1, max: 100 }),
  postalCode: textLine({ min: 1, max: 20 }),
  /** ISO 3166-2 subdivision where it matters for tax (e.g. US-CA), otherwise the country code. */
  region: z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/).optional(),
  country: z.string().regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 code in upper case"),
});
export type Address = z.infer<typeof Address>;
