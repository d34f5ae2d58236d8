import { contractForType, Streams } from "@checkout/contracts";
import { keyFields, shortId } from "./key-fields.ts";

/** A message as read from JetStream, before any interpretation. */
export interface StoredMessage {
  stream: string;
  seq: number;
  subject: string;
  /** when JetStream stored it (ISO) */
  storedAt: string;
  data: Uint8Array;
  headers?: Record<string, string>;
}

export interface DeadLetterInfo {
  consumer: string;
  reason: string;
  /** where the message came from: stream, subject and sequence there */
  stream: string;
  subject: string;
  sequence: number | undefined;
  deliveries: number | undefined;
}

/** One line of a trace: something that happened to the order, as one message in one stream. */
export interface Fact {
  /** the CloudEvents `time`; for a dead letter, when it was dead-lettered; the store time if unreadable */
  time: string;
  stream: string;
  seq: number;
  subject: string;
  /** the service that published it (last segment of `source`) */
  producer: string | undefined;
  /** `OrderPlaced`, or `UNPARSEABLE` */
  event: string;
  /** the CloudEvents `type` as written, e.g. `checkout.OrderPlaced.v1` */
  type: string | undefined;
  id: string | undefined;
  causationId: string | undefined;
  fields: Record<string, string>;
  /** the event's data, upcast to the current version when it parsed */
  data: unknown;
  /** why the message does not parse against contracts/ */
  error: string | undefined;
  /** set on a fact read from the DLQ stream */
  deadLetter: DeadLetterInfo | undefined;
}

export const UNPARSEABLE = "UNPARSEABLE";

/** Header names of a dead letter (the values of DLQ_HEADERS in @checkout/messaging). */
export interface DeadLetterHeaders {
  reason: string;
  consumer: string;
  stream: string;
  subject: string;
  sequence: string;
  deliveries: string;
  time: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const str = (value: unknown) => (typeof value === "string" ? value : undefined);
const oneLine = (text: string) => text.replace(/\s*\n\s*/g, "; ").trim();
const number = (text: string | undefined) => (text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined);

/** `/checkout/payments` → `payments` */
export const producerOf = (source: unknown): string | undefined => str(source)?.split("/").filter(Boolean).at(-1);

function parseEvent(bytes: Uint8Array): { raw: unknown; event?: { type: string; name: string; data: unknown; time: string }; error?: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    return { raw: undefined, error: `not JSON: ${(error as Error).message}` };
  }
  if (!isRecord(raw)) return { raw, error: "not a CloudEvent: the message is not a JSON object" };
  const type = str(raw.type);
  const contract = type === undefined ? undefined : contractForType(type);
  if (!contract) return { raw, error: type === undefined ? "not a CloudEvent: no type" : `unknown event type ${type}` };
  try {
    const event = contract.parse(raw);
    return { raw, event: { type: event.type, name: contract.name, data: event.data, time: event.time } };
  } catch (error) {
    return { raw, error: oneLine((error as Error).message) };
  }
}

/** What a stored message says, or why it cannot be read. Never throws. */
export function toFact(message: StoredMessage, dlq?: DeadLetterHeaders): Fact {
  const { raw, event, error } = parseEvent(message.data);
  const envelope = isRecord(raw) ? raw : {};
  const deadLetter = dlq ? deadLetterInfo(message, dlq) : undefined;
  const time = (deadLetter && message.headers?.[dlq!.time]) || event?.time || message.storedAt;
  const causationId = str(envelope.causationid);
  return {
    time,
    stream: message.stream,
    seq: message.seq,
    subject: message.subject,
    producer: producerOf(envelope.source),
    event: event?.name ?? UNPARSEABLE,
    type: str(envelope.type),
    id: str(envelope.id),
    causationId,
    fields: event ? keyFields(event.data) : {},
    data: event ? event.data : envelope.data,
    error,
    deadLetter,
  };
}

function deadLetterInfo(message: StoredMessage, names: DeadLetterHeaders): DeadLetterInfo {
  const h = message.headers ?? {};
  return {
    consumer: h[names.consumer] ?? message.subject.split(".").slice(2).join("."),
    reason: h[names.reason] ?? "(no reason recorded)",
    stream: h[names.stream] ?? message.subject.split(".")[1] ?? "?",
    subject: h[names.subject] ?? "?",
    sequence: number(h[names.sequence]),
    deliveries: number(h[names.deliveries]),
  };
}

const STREAM_ORDER = [...Object.keys(Streams), "DLQ"];
const streamRank = (stream: string) => {
  const rank = STREAM_ORDER.indexOf(stream);
  return rank === -1 ? STREAM_ORDER.length : rank;
};
const instant = (iso: string) => {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? Number.POSITIVE_INFINITY : at;
};

/** Time order (by the instant, whatever the offset), then stream sequence, then stream. */
export function inTimeOrder(facts: Fact[]): Fact[] {
  return [...facts].sort((a, b) => instant(a.time) - instant(b.time) || a.seq - b.seq || streamRank(a.stream) - streamRank(b.stream));
}

/** The details column: key fields, dead-letter facts, the parse error, the causation. */
export function describe(fact: Fact): string {
  const parts = Object.entries(fact.fields).map(([label, value]) => `${label}=${value}`);
  if (fact.deadLetter) {
    const { consumer, reason, stream, sequence, deliveries } = fact.deadLetter;
    parts.unshift(`dead-lettered by ${consumer} from ${stream}#${sequence ?? "?"}${deliveries === undefined ? "" : ` after ${deliveries} deliveries`}: ${reason}`);
  }
  if (fact.error !== undefined) parts.push(`error: ${fact.error}`);
  if (fact.causationId) parts.push(`cause=${shortId(fact.causationId)}`);
  return parts.join(" ");
}
