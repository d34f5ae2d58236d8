import type { ConsumerInfo, StreamInfo } from "@nats-io/jetstream";
import type { ServerFeatures } from "@checkout/messaging";
import { formatBytes, formatCount } from "../format/bytes.ts";
import { formatAge, formatNanos } from "../format/duration.ts";
import { renderTable } from "../format/table.ts";

export interface StreamRow {
  name: string;
  subjects: string[];
  messages: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  firstTime: string | undefined;
  lastTime: string | undefined;
  /** distinct subjects held */
  numSubjects: number | undefined;
  consumers: number;
  maxAge: string;
}

export interface ConsumerRow {
  name: string;
  stream: string;
  filter: string | undefined;
  /** messages not yet delivered (num_pending) */
  pending: number;
  /** delivered but not acknowledged (num_ack_pending) */
  ackPending: number;
  redelivered: number;
  /** pull requests waiting */
  waiting: number;
  lastDeliveredSeq: number;
  ackFloorSeq: number;
  /** when the consumer last delivered (absent until it has delivered something) */
  lastActive: string | undefined;
}

export interface StreamsReport {
  server: { version: string; limitations: string[] };
  streams: StreamRow[];
  consumers: ConsumerRow[];
  /** ephemeral consumers (ordered readers such as `checkout trace`), not listed one by one */
  ephemeralConsumers: number;
}

/** What the connected server lacks that the project would otherwise use (ARCHITECTURE §5). */
export function limitations(features: ServerFeatures): string[] {
  const missing: string[] = [];
  if (!features.filterSubjects) {
    missing.push("no filter_subjects (2.10+): one filter subject per consumer");
    missing.push("num_pending of a wildcard consumer can be off by a few when a subject has messages on both sides of its position (seen on 2.9.10)");
  }
  if (!features.messageTtl) missing.push("no per-message or per-key TTL (2.11+): expiry is driven by the application");
  if (!features.termReason) missing.push("term(reason) is dropped (2.11+): dead-letter reasons travel in DLQ headers");
  return missing;
}

const iso = (value: unknown): string | undefined => {
  if (typeof value !== "string" || value.startsWith("0001-01-01")) return undefined;
  return Number.isNaN(Date.parse(value)) ? undefined : value;
};

export function streamRow(info: StreamInfo): StreamRow {
  const { state, config } = info;
  return {
    name: config.name,
    subjects: config.subjects ?? [],
    messages: state.messages,
    bytes: state.bytes,
    firstSeq: state.first_seq,
    lastSeq: state.last_seq,
    firstTime: state.messages > 0 ? iso(state.first_ts) : undefined,
    lastTime: state.messages > 0 ? iso(state.last_ts) : undefined,
    numSubjects: state.num_subjects ?? (state.messages === 0 ? 0 : undefined),
    consumers: state.consumer_count,
    maxAge: formatNanos(config.max_age),
  };
}

export function consumerRow(info: ConsumerInfo): ConsumerRow {
  const lastActive = (info.delivered as { last_active?: unknown }).last_active;
  return {
    name: info.name,
    stream: info.stream_name,
    filter: info.config.filter_subject ?? info.config.filter_subjects?.join(","),
    pending: info.num_pending,
    ackPending: info.num_ack_pending,
    redelivered: info.num_redelivered,
    waiting: info.num_waiting,
    lastDeliveredSeq: info.delivered.stream_seq,
    ackFloorSeq: info.ack_floor.stream_seq,
    lastActive: iso(lastActive),
  };
}

export function buildReport(features: ServerFeatures, streams: StreamInfo[], consumers: ConsumerInfo[]): StreamsReport {
  const durable = consumers.filter((consumer) => consumer.config.durable_name);
  return {
    server: { version: features.version, limitations: limitations(features) },
    streams: streams.map(streamRow).sort((a, b) => a.name.localeCompare(b.name)),
    consumers: durable.map(consumerRow).sort((a, b) => a.stream.localeCompare(b.stream) || a.name.localeCompare(b.name)),
    ephemeralConsumers: consumers.length - durable.length,
  };
}

const n = (value: number | undefined) => (value === undefined ? "-" : formatCount(value));

export function renderReport(report: StreamsReport, now: Date): string {
  const streams = renderTable(
    [
      { header: "STREAM" },
      { header: "SUBJECTS" },
      { header: "MESSAGES", align: "right" },
      { header: "BYTES", align: "right" },
      { header: "FIRST SEQ", align: "right" },
      { header: "LAST SEQ", align: "right" },
      { header: "LAST MESSAGE" },
      { header: "DISTINCT SUBJECTS", align: "right" },
      { header: "CONSUMERS", align: "right" },
      { header: "MAX AGE" },
    ],
    report.streams.map((s) => [
      s.name,
      s.subjects.join(","),
      n(s.messages),
      formatBytes(s.bytes),
      n(s.firstSeq),
      n(s.lastSeq),
      formatAge(s.lastTime, now),
      n(s.numSubjects),
      n(s.consumers),
      s.maxAge,
    ]),
  );
  const consumers =
    report.consumers.length === 0
      ? "no durable consumers"
      : renderTable(
          [
            { header: "CONSUMER" },
            { header: "STREAM" },
            { header: "FILTER" },
            { header: "PENDING", align: "right" },
            { header: "ACK PENDING", align: "right" },
            { header: "REDELIVERED", align: "right" },
            { header: "WAITING", align: "right" },
            { header: "LAST DELIVERED", align: "right" },
            { header: "ACK FLOOR", align: "right" },
            { header: "LAST ACTIVE" },
          ],
          report.consumers.map((c) => [
            c.name,
            c.stream,
            c.filter ?? "-",
            n(c.pending),
            n(c.ackPending),
            n(c.redelivered),
            n(c.waiting),
            n(c.lastDeliveredSeq),
            n(c.ackFloorSeq),
            formatAge(c.lastActive, now),
          ]),
        );
  const ephemeral = report.ephemeralConsumers > 0 ? `\n(${report.ephemeralConsumers} ephemeral consumer${report.ephemeralConsumers === 1 ? "" : "s"} not shown)` : "";
  const server = [`nats-server ${report.server.version}`, ...report.server.limitations.map((line) => `  - ${line}`)].join("\n");
  return `${server}\n\nStreams\n${streams}\n\nDurable consumers\n${consumers}${ephemeral}`;
}
