import { describe, expect, it } from "vitest";
import { Address, CheckoutRequest, QuoteRequest } from "./index.ts";

const address = { name: "Ada Lovelace", line1: "1 Main St", city: "Springfield", postalCode: "62701", region: "US-IL", country: "US" };
const issues = (result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  (result.error?.issues ?? []).map((issue) => `${issue.path.join(".")}: ${issue.message}`);

describe("free text in requests", () => {
  it("keeps what people write: accents, other scripts, emoji (surrogate pairs)", () => {
    const written = { ...address, name: "Zoë Ødegård 山田 🚀", line2: "Bâtiment B" };
    expect(Address.parse(written)).toEqual(written);
  });

  it.each([
    ["a NUL", "A\u0000B"],
    ["a lone high surrogate", "\ud800x"],
    ["a lone low surrogate", "x\udc00"],
  ])("refuses %s in an address field, naming it", (_, value) => {
    expect(issues(Address.safeParse({ ...address, line1: value }))).toEqual(["line1: must not contain NUL characters or invalid Unicode"]);
  });

  it("refuses a NUL in a promo code, at checkout and in a quote", () => {
    const checkout = { cartId: "5b0a2f4e-6d47-4a1e-9a8c-1f2d3e4a5b6c", email: "ada@example.com", paymentMethod: "pm_card_visa", address, promoCode: "A\u0000B" };
    expect(issues(CheckoutRequest.safeParse(checkout))).toEqual(["promoCode: must not contain NUL characters or invalid Unicode"]);
    expect(issues(QuoteRequest.safeParse({ address, promoCode: "A\u0000B" }))).toEqual(["promoCode: must not contain NUL characters or invalid Unicode"]);
  });
});
