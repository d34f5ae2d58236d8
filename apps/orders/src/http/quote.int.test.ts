import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PriceSnapshot } from "@checkout/contracts";
import { ADDRESS, fieldsOf, problemOf, startHarness, type Harness } from "./test-harness.ts";

let h: Harness;
let cartId: string; // 2 × TSHIRT-RED-M (2000, 180 g) + 1 × MUG-LOGO (1400, 350 g): 5400, 710 g
beforeAll(async () => {
  h = await startHarness();
  cartId = await h.cartWith({ "TSHIRT-RED-M": 2, "MUG-LOGO": 1 });
  await h.sql`INSERT INTO promo_codes (code, kind, value, currency) VALUES ('EURO5', 'fixed', 500, 'EUR')`;
  await h.sql`INSERT INTO promo_codes (code, kind, value, active) VALUES ('RETIRED', 'percent', 50, false)`;
});
afterAll(() => h?.close());

const quote = async (body: Record<string, unknown>, id = cartId) => h.call("POST", `/api/cart/${id}/quote`, body);
const priced = async (body: Record<string, unknown>, id = cartId) => {
  const response = await quote(body, id);
  expect(response.status, await response.clone().text()).toBe(200);
  return PriceSnapshot.parse(await response.json());
};
const at = (over: Record<string, unknown>) => ({ ...ADDRESS, ...over });

describe("POST /api/cart/:id/quote", () => {
  it("prices a US order: state tax on merchandise, domestic shipping by weight", async () => {
    // CA 7.25 % of 5400 = 391.5 → 392; 710 g domestic → 899
    expect(await priced({ address: ADDRESS })).toEqual({ currency: "USD", subtotal: 5_400, discount: 0, tax: 392, shipping: 899, total: 6_691 });
  });

  it("uses each state's rate, 0 in Oregon, the default for other states and for no region", async () => {
    expect((await priced({ address: at({ region: "US-NY" }) })).tax).toBe(216);
    expect((await priced({ address: at({ region: "US-OR" }) })).tax).toBe(0);
    expect((await priced({ address: at({ region: "US-OH" }) })).tax).toBe(270);
    expect((await priced({ address: at({ region: undefined }) })).tax).toBe(270);
  });

  it("charges VAT on merchandise and shipping in the EU and GB", async () => {
    // europe 710 g → 2499; 19 % of 7899 = 1500.81 → 1501
    expect(await priced({ address: at({ country: "DE", region: "DE-BE" }) })).toEqual({ currency: "USD", subtotal: 5_400, discount: 0, tax: 1_501, shipping: 2_499, total: 9_400 });
    expect((await priced({ address: at({ country: "GB", region: undefined }) })).tax).toBe(1_580); // 20 % of 7899 = 1579.8
  });

  it("ships internationally without tax", async () => {
    expect(await priced({ address: at({ country: "JP", region: undefined }) })).toMatchObject({ tax: 0, shipping: 3_499, total: 8_899 });
  });

  it("applies percentage and fixed promo codes, case-insensitively, before tax", async () => {
    // 10 % of 5400 = 540; CA tax on 4860 = 352.35 → 352
    expect(await priced({ address: ADDRESS, promoCode: "welcome10" })).toEqual({
      currency: "USD", subtotal: 5_400, discount: 540, tax: 352, shipping: 899, total: 6_111, promoCode: "WELCOME10",
    });
    // 500 off (minimum 3000 met); tax on 4900 = 355.25 → 355
    expect(await priced({ address: ADDRESS, promoCode: "SAVE5" })).toMatchObject({ discount: 500, tax: 355, total: 4_900 + 355 + 899, promoCode: "SAVE5" });
  });

  it("applies BIGSPENDER above its minimum, with free domestic shipping", async () => {
    const big = await h.cartWith({ "HOODIE-GRY-L": 4 }); // 22000, 2800 g
    // 15 % = 3300; merchandise 18700 ≥ 7500 ships free; CA tax 1355.75 → 1356
    expect(await priced({ address: ADDRESS, promoCode: "BIGSPENDER" }, big)).toEqual({
      currency: "USD", subtotal: 22_000, discount: 3_300, tax: 1_356, shipping: 0, total: 20_056, promoCode: "BIGSPENDER",
    });
  });

  it.each([
    ["an unknown code", "NOSUCHCODE", "promo_code_unknown", /does not exist/],
    ["an expired code", "EXPIRED20", "promo_code_expired", /expired/],
    ["a code below its minimum", "BIGSPENDER", "promo_code_minimum_not_met", /USD 200\.00.*USD 54\.00/],
    ["a code in another currency", "EURO5", "promo_code_currency_mismatch", /EUR/],
    ["a withdrawn code", "RETIRED", "promo_code_inactive", /no longer valid/],
  ])("refuses %s with 422 naming promoCode", async (_, promoCode, code, reason) => {
    const response = await quote({ address: ADDRESS, promoCode });
    expect(response.status).toBe(422);
    const problem = await problemOf(response);
    expect(problem.code).toBe(code);
    expect(problem.detail).toMatch(reason);
    expect(fieldsOf(problem)).toEqual(["promoCode"]);
  });

  it("refuses SAVE5 under its 30.00 minimum", async () => {
    const small = await h.cartWith({ "STICKER-PACK": 1 });
    const problem = await problemOf(await quote({ address: ADDRESS, promoCode: "SAVE5" }, small));
    expect(problem).toMatchObject({ status: 422, code: "promo_code_minimum_not_met", errors: [{ field: "promoCode" }] });
  });

  it("refuses destinations not served and a region of another country", async () => {
    for (const country of ["AQ", "KP"]) {
      const response = await quote({ address: at({ country, region: undefined }) });
      expect(response.status).toBe(422);
      expect(await problemOf(response)).toMatchObject({ code: "destination_not_served", errors: [{ field: "address.country" }] });
    }
    const mismatch = await quote({ address: at({ country: "DE", region: "US-CA" }) });
    expect(mismatch.status).toBe(422);
    expect(fieldsOf(await problemOf(mismatch))).toEqual(["address.region"]);
  });

  it("refuses bad input naming the field, and unknown, malformed or empty carts", async () => {
    const noCity = await quote({ address: at({ city: undefined }) });
    expect(noCity.status).toBe(400);
    expect(fieldsOf(await problemOf(noCity))).toEqual(["address.city"]);
    const lower = await quote({ address: at({ country: "us" }) });
    expect(fieldsOf(await problemOf(lower))).toContain("address.country");
    expect(fieldsOf(await problemOf(await quote({})))).toEqual(["address"]);
    expect(fieldsOf(await problemOf(await quote({ address: ADDRESS, promoCode: 5 })))).toEqual(["promoCode"]);

    const unknown = await quote({ address: ADDRESS }, "00000000-0000-4000-8000-000000000000");
    expect(unknown.status).toBe(404);
    expect(fieldsOf(await problemOf(unknown))).toEqual(["cartId"]);
    expect((await quote({ address: ADDRESS }, "nope")).status).toBe(400);

    const emptyCart = ((await (await h.call("POST", "/api/cart")).json()) as { cartId: string }).cartId;
    const empty = await quote({ address: ADDRESS }, emptyCart);
    expect(empty.status).toBe(422);
    expect(await problemOf(empty)).toMatchObject({ code: "cart_empty", errors: [{ field: "cartId" }] });
  });

  it("places nothing", async () => {
    expect(await h.counts()).toEqual({ orders: 0, outbox: 0 });
    expect((await (await h.call("GET", `/api/cart/${cartId}`)).json()) as object).toMatchObject({ subtotal: 5_400 });
  });
});
