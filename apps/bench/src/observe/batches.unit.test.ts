import { describe, expect, it } from "vitest";
import { parseBatches } from "./batches.ts";

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
