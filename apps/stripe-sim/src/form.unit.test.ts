import { describe, expect, it } from "vitest";
import { decodeForm, fromJson, parseKey } from "./form.ts";

describe("parseKey", () => {
  it("splits bracket notation", () => {
    expect(parseKey("amount")).toEqual(["amount"]);
    expect(parseKey("metadata[order_id]")).toEqual(["metadata", "order_id"]);
    expect(parseKey("expand[]")).toEqual(["expand", ""]);
    expect(parseKey("a[b][0][c]")).toEqual(["a", "b", "0", "c"]);
  });

  it("takes malformed keys literally", () => {
    expect(parseKey("a[b")).toEqual(["a[b"]);
    expect(parseKey("[x]")).toEqual(["[x]"]);
    expect(parseKey("a[b]c")).toEqual(["a[b]c"]);
  });
});

describe("decodeForm", () => {
  it("decodes what stripe-node sends for a PaymentIntent create", () => {
    const body =
      "amount=2000&currency=usd&confirm=true&metadata[order_id]=ord_1&metadata[note]=a%20b%26c&payment_method_types[0]=card&payment_method_types[1]=link&expand[0]=latest_charge";
    expect(decodeForm(body)).toEqual({
      amount: "2000",
      currency: "usd",
      confirm: "true",
      metadata: { order_id: "ord_1", note: "a b&c" },
      payment_method_types: ["card", "link"],
      expand: ["latest_charge"],
    });
  });

  it("accepts percent-encoded brackets, empty-bracket arrays and nested arrays of objects", () => {
    expect(decodeForm("metadata%5Border_id%5D=x&tags[]=a&tags[]=b&items[0][price]=p1&items[0][qty]=2&items[1][price]=p2")).toEqual({
      metadata: { order_id: "x" },
      tags: ["a", "b"],
      items: [{ price: "p1", qty: "2" }, { price: "p2" }],
    });
  });

  it("compacts sparse indexes and keeps the last of repeated scalars", () => {
    expect(decodeForm("a[3]=y&a[0]=x&b=1&b=2")).toEqual({ a: ["x", "y"], b: "2" });
  });

  it("ignores prototype-polluting keys and inherited names", () => {
    const decoded = decodeForm("__proto__[polluted]=1&metadata[constructor]=x&toString[a]=b");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(decoded).toEqual({ toString: { a: "b" } });
  });
});

describe("fromJson", () => {
  it("stringifies scalars so JSON and form bodies read the same", () => {
    expect(fromJson({ amount: 100, confirm: true, metadata: { order_id: "o" }, description: null, tags: [1, "a"] })).toEqual({
      amount: "100",
      confirm: "true",
      metadata: { order_id: "o" },
      description: "",
      tags: ["1", "a"],
    });
    expect(() => fromJson([1])).toThrow(TypeError);
  });
});
