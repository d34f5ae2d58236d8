import { describe, expect, it } from "vitest";
import type { JetStreamManager } from "@nats-io/jetstream";
import type { Logger } from "@checkout/log";
import { ensureConsumer, FILTER_TRIES, filterConfig, nextFilter } from "./topology.ts";

describe("nextFilter: a service widens its consumer's filter and never narrows it (ADR 0013)", () => {
  const placedCancelled = ["orders.cancelled.*", "orders.placed.*"];

  it("narrows only the whole stream: a consumer made on 2.9 or before ADR 0013, or one with no filter", () => {
    expect(nextFilter(["orders.>"], placedCancelled)).toEqual(placedCancelled);
    expect(nextFilter([], placedCancelled)).toEqual(placedCancelled);
  });

  it("gives the whole stream back when that is wanted (nats-server 2.9), whatever the consumer had", () => {
    expect(nextFilter(placedCancelled, ["orders.>"])).toEqual(["orders.>"]);
  });

  it("leaves a filter that has every wanted subject as it is, also when it has more (another version's)", () => {
    expect(nextFilter(placedCancelled, ["orders.placed.*"])).toBe(placedCancelled);
    expect(nextFilter(placedCancelled, [...placedCancelled].reverse())).toBe(placedCancelled);
  });

  it("adds the wanted subjects a filter lacks, keeping the ones it had, sorted", () => {
    expect(nextFilter(["orders.placed.*", "orders.cancelled.*"], ["orders.completed.*", "orders.placed.*"])).toEqual(["orders.cancelled.*", "orders.completed.*", "orders.placed.*"]);
  });

  it("sends one subject as filter_subject and several as filter_subjects, naming the other field so that an update clears it", () => {
    expect(filterConfig(["orders.placed.*"])).toEqual({ filter_subject: "orders.placed.*", filter_subjects: undefined });
    expect(Object.keys(filterConfig(["orders.placed.*"]))).toContain("filter_subjects");
    expect(filterConfig(placedCancelled)).toEqual({ filter_subject: undefined, filter_subjects: placedCancelled });
    expect(Object.keys(filterConfig(placedCancelled))).toContain("filter_subject");
  });
});

describe("ensureConsumer's read-back: another instance's update at the same moment", () => {
  const placed = "orders.placed.*";
  const cancelled = "orders.cancelled.*";
  const completed = "orders.completed.*";
  const ours = { ackWait: 30_000, maxAckPending: 1_000 };
  const configOf = (filters: string[], ackWaitMs = ours.ackWait) => ({ config: { ...filterConfig(filters), ack_wait: ackWaitMs * 1_000_000, max_ack_pending: ours.maxAckPending } });

  /** a JetStreamManager whose consumer reads return `reads` in turn (the last one again after that), recording the updates */
  function fakeJsm(reads: Array<ReturnType<typeof configOf> | undefined>) {
    const updates: Array<Record<string, unknown>> = [];
    let read = 0;
    const jsm = {
      consumers: {
        info: async () => reads[Math.min(read++, reads.length - 1)],
        add: async () => {
          throw new Error("exists");
        },
        update: async (_stream: string, _durable: string, change: Record<string, unknown>) => void updates.push(change),
      },
    } as unknown as JetStreamManager;
    return { jsm, updates };
  }
  const warnings: string[] = [];
  const log = { warn: (_fields: unknown, message: string) => void warnings.push(message) } as unknown as Logger;
  const ensure = (jsm: JetStreamManager) => ensureConsumer(jsm, { stream: "ORDERS", durable: "svc-orders", filterSubjects: [completed, placed], ackWaitMs: ours.ackWait, maxAckPending: ours.maxAckPending, log });

  it("writes its subjects again, and only the filter, when another update put the older filter back", async () => {
    const { jsm, updates } = fakeJsm([configOf([cancelled, placed], 10_000), configOf([cancelled, placed]), configOf([cancelled, completed, placed])]);
    await ensure(jsm);
    expect(updates).toEqual([
      { ...filterConfig([cancelled, completed, placed]), ack_wait: ours.ackWait * 1_000_000 },
      filterConfig([cancelled, completed, placed]),
    ]);
  });

  it("gives up after FILTER_TRIES writes with a warning, leaving the filter it found", async () => {
    warnings.length = 0;
    const { jsm, updates } = fakeJsm([configOf([cancelled, placed])]);
    await ensure(jsm);
    expect(updates).toHaveLength(FILTER_TRIES);
    expect(warnings).toEqual(["the consumer's filter keeps changing under this instance; leaving it as it is"]);
  });

  it("stops when the consumer is gone after its update (deleted meanwhile): the router's consume() then says so", async () => {
    const { jsm, updates } = fakeJsm([configOf([cancelled, placed]), undefined]);
    await ensure(jsm);
    expect(updates).toHaveLength(1);
  });
});
