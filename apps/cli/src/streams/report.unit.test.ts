import { describe, expect, it } from "vitest";
import type { ConsumerInfo, StreamInfo } from "@nats-io/jetstream";
import { buildReport, limitations, renderReport } from "./report.ts";

const stream = (name: string, messages: number, consumers: number) =>
  ({
    config: { name, subjects: [`${name.toLowerCase()}.>`], max_age: 7 * 86_400_000 * 1e6 },
    state: { messages, bytes: messages * 700, first_seq: messages ? 1 : 0, last_seq: messages, first_ts: "2026-01-01T12:00:00Z", last_ts: "2026-01-01T12:00:30Z", num_subjects: messages || undefined, consumer_count: consumers },
  }) as unknown as StreamInfo;

const consumer = (name: string, streamName: string, durable: boolean, pending = 0) =>
  ({
    name,
    stream_name: streamName,
    config: { ...(durable ? { durable_name: name } : {}), filter_subject: `${streamName.toLowerCase()}.>` },
    delivered: { consumer_seq: 4, stream_seq: 4, last_active: "2026-01-01T12:00:31Z" },
    ack_floor: { consumer_seq: 3, stream_seq: 3 },
    num_pending: pending,
    num_ack_pending: 1,
    num_redelivered: 2,
    num_waiting: 1,
  }) as unknown as ConsumerInfo;

const v29 = { version: "2.9.10", filterSubjects: false, messageTtl: false, termReason: false };

describe("buildReport", () => {
  it("lists streams by name and only durable consumers, counting the ephemeral ones", () => {
    const report = buildReport(v29, [stream("ORDERS", 5, 2), stream("DLQ", 0, 0)], [consumer("payments-orders", "ORDERS", true, 3), consumer("oc_1", "ORDERS", false)]);
    expect(report.streams.map((s) => [s.name, s.messages, s.numSubjects, s.consumers, s.maxAge])).toEqual([
      ["DLQ", 0, 0, 0, "7d"],
      ["ORDERS", 5, 5, 2, "7d"],
    ]);
    expect(report.consumers).toEqual([
      { name: "payments-orders", stream: "ORDERS", filter: "orders.>", pending: 3, ackPending: 1, redelivered: 2, waiting: 1, lastDeliveredSeq: 4, ackFloorSeq: 3, lastActive: "2026-01-01T12:00:31Z" },
    ]);
    expect(report.ephemeralConsumers).toBe(1);
    expect(report.server.version).toBe("2.9.10");
  });
});

describe("limitations", () => {
  it("says what 2.9 lacks and nothing for a 2.11 server", () => {
    expect(limitations(v29).join("\n")).toMatch(/filter_subjects[\s\S]*TTL[\s\S]*term\(reason\)/);
    expect(limitations({ version: "2.11.0", filterSubjects: true, messageTtl: true, termReason: true })).toEqual([]);
  });
});

describe("renderReport", () => {
  it("prints the server with its limitations, then the stream and consumer tables", () => {
    const report = buildReport(v29, [stream("ORDERS", 5, 1)], [consumer("payments-orders", "ORDERS", true, 3), consumer("oc_1", "ORDERS", false)]);
    const text = renderReport(report, new Date("2026-01-01T12:01:00Z"));
    expect(text).toContain("nats-server 2.9.10\n  - no filter_subjects");
    expect(text).toMatch(/ORDERS +orders\.> +5 +3\.4 KiB +1 +5 +30\.0s ago +5 +1 +7d/);
    expect(text).toMatch(/payments-orders +ORDERS +orders\.> +3 +1 +2 +1 +4 +3 +29\.0s ago/);
    expect(text).toContain("(1 ephemeral consumer not shown)");
  });

  it("says so when there is no durable consumer", () => {
    expect(renderReport(buildReport(v29, [], []), new Date())).toContain("no durable consumers");
  });
});
