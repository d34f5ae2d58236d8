import { describe, expect, it } from "vitest";
import { canonicalJson, idempotencyKvKey, requestHashOf } from "./request-hash.ts";

// Request hashes are stored (orders.request_hash, the idempotency bucket) and compared with the hash of a
// retry, maybe one answered by the next version of the service: the text they are computed from must not change.
describe("canonicalJson and requestHashOf", () => {
  const checkout = {
    cartId: "3f1c2b9e-5d6a-4c1e-9f0b-7a8d9e0f1a2b",
    email: "ada@example.com",
    paymentMethod: "pm_card_visa",
    address: { name: "Ada Lovelace", line1: "12 Analytical Row", city: "London", postalCode: "N1 9GU", country: "GB", line2: undefined },
    promoCode: undefined,
  };

  it("sorts keys at every level and leaves out undefined members: the text and hash stored hashes were made from", () => {
    expect(canonicalJson(checkout)).toBe(
      '{"address":{"city":"London","country":"GB","line1":"12 Analytical Row","name":"Ada Lovelace","postalCode":"N1 9GU"},"cartId":"3f1c2b9e-5d6a-4c1e-9f0b-7a8d9e0f1a2b","email":"ada@example.com","paymentMethod":"pm_card_visa"}',
    );
    expect(requestHashOf(checkout)).toBe("3692b8b006cafa06de62335270a67c377664cf757ee4a66de377392632e85a88");
  });

  it("orders keys by UTF-16 code units (numeric-looking keys as strings), writes undefined in an array as null, and escapes as JSON does", () => {
    const odd = { z: [1, undefined, { b: "é", a: null, ä: 2, B: true }], "": "empty", "10": 1, "9": 2, nested: { list: [], obj: {} }, s: 'quote " and \\ and \u2028' };
    expect(canonicalJson(odd)).toBe('{"":"empty","10":1,"9":2,"nested":{"list":[],"obj":{}},"s":"quote \\" and \\\\ and \u2028","z":[1,null,{"B":true,"a":null,"b":"é","ä":2}]}');
    expect(requestHashOf(odd)).toBe("e1b4c377f9be7e8b5d29284094ff774acfff4f08e082d6e3728796cd16ead469");
  });

  it("gives equal values equal text whatever the order their keys came in", () => {
    const reordered = { promoCode: undefined, paymentMethod: "pm_card_visa", address: { country: "GB", postalCode: "N1 9GU", city: "London", line1: "12 Analytical Row", name: "Ada Lovelace" }, email: "ada@example.com", cartId: "3f1c2b9e-5d6a-4c1e-9f0b-7a8d9e0f1a2b" };
    expect(requestHashOf(reordered)).toBe(requestHashOf(checkout));
    expect(requestHashOf({ ...checkout, email: "bob@example.com" })).not.toBe(requestHashOf(checkout));
  });

  it("keys a user's Idempotency-Key in the bucket as before", () => {
    expect(idempotencyKvKey("checkout", "user-1", "key-1")).toBe("checkout.3026f8402e1d4c199fbcbb0f43c9601111be36b936823ad88aca6360108fe76f");
    expect(idempotencyKvKey("checkout", "user-2", "key-1")).not.toBe(idempotencyKvKey("checkout", "user-1", "key-1"));
  });
});
