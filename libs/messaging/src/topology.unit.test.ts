import { describe, expect, it } from "vitest";
import { filterConfig, nextFilter } from "./topology.ts";

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
