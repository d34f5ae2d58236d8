import { describe, expect, it } from "vitest";
import { batchesSince, mergeBatches, parseBatches, parseCheckouts } from "./batches.ts";

describe("parseBatches", () => {
  it("reads the sum and count of consumer_batch_messages per consumer", () => {
    const text = [
      "# HELP consumer_batch_messages messages per consumer transaction, by consumer",
      'consumer_batch_messages_bucket{le="1",consumer="orders-inventory",service="orders"} 3',
      'consumer_batch_messages_sum{consumer="orders-inventory",service="orders"} 250',
      'consumer_batch_messages_count{consumer="orders-inventory",service="orders"} 20',
      'consumer_batch_messages_sum{service="orders",consumer="orders-payments"} 7',
      'consumer_batch_messages_count{service="orders",consumer="orders-payments"} 7',
      'messages_total{consumer="orders-inventory",outcome="handled"} 250',
    ].join("\n");
    expect(parseBatches(text)).toEqual({
      "orders-inventory": { transactions: 20, messages: 250, mean: 12.5 },
      "orders-payments": { transactions: 7, messages: 7, mean: 1 },
    });
  });
});

describe("mergeBatches", () => {
  it("adds up the batches of one consumer over the processes that share it (--orders-instances)", () => {
    const first = { "orders-inventory": { transactions: 20, messages: 250, mean: 12.5 } };
    const second = { "orders-inventory": { transactions: 5, messages: 50, mean: 10 }, "orders-payments": { transactions: 1, messages: 3, mean: 3 } };
    expect(mergeBatches([first, second])).toEqual({
      "orders-inventory": { transactions: 25, messages: 300, mean: 12 },
      "orders-payments": { transactions: 1, messages: 3, mean: 3 },
    });
  });
});

describe("batchesSince", () => {
  it("counts each consumer's batches after the earlier read (a warm-up's are not the run's), and leaves out a consumer with none since", () => {
    const before = { "orders-inventory": { transactions: 4, messages: 130, mean: 32.5 }, "inventory-orders": { transactions: 3, messages: 20, mean: 6.7 } };
    const after = {
      "orders-inventory": { transactions: 24, messages: 380, mean: 15.8 },
      "inventory-orders": { transactions: 3, messages: 20, mean: 6.7 },
      "orders-payments": { transactions: 2, messages: 5, mean: 2.5 },
    };
    expect(batchesSince(after, before)).toEqual({
      "orders-inventory": { transactions: 20, messages: 250, mean: 12.5 },
      "orders-payments": { transactions: 2, messages: 5, mean: 2.5 },
    });
  });
});

describe("parseCheckouts", () => {
  it("adds up orders_checkout_total over its outcomes, and nothing else", () => {
    const text = [
      "# HELP orders_checkout_total Checkout requests by outcome",
      'orders_checkout_total{outcome="accepted",service="orders"} 12',
      'orders_checkout_total{outcome="sold_out",service="orders"} 30',
      'orders_checkout_total{outcome="shed",service="orders"} 2',
      'orders_checkout_wait_seconds_count{result="admitted",service="orders"} 7',
    ].join("\n");
    expect(parseCheckouts(text)).toBe(44);
    expect(parseCheckouts("")).toBe(0);
  });
});
