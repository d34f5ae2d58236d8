import { DeadLetters } from "@checkout/contracts";
import { DLQ_HEADERS, REPLAY_FOR_HEADER } from "../dead-letter.ts";

/**
 * The dead letters of the payments worker are parked provider steps (a capture, void or refund the
 * provider refused for good), not messages of a stream: nothing can consume a replay of them. They are
 * retried with `POST /admin/payments/<orderId>/retry` on the payments service.
 */
export const PARKED_STEP_CONSUMER = "payments-worker";

/** What `checkout dlq ls` and `GET /admin/dlq` show of one dead letter. */
export interface DeadLetterEntry {
  /** the sequence in the DLQ stream: what `show`, `replay` and `DELETE` take */
  seq: number;
  /** when it was dead-lettered (Checkout-Dlq-Time, else when the DLQ stored it) */
  time: string;
  /** the durable consumer that gave up on it (`<service>-<stream>`), or `payments-worker` */
  consumer: string;
  /** the stream the original came from */
  stream: string;
  /** the original subject, e.g. `orders.placed.<orderId>` */
  subject: string;
  /** the original's sequence in its stream (0 for a parked payment step) */
  originalSeq: number;
  /** how many times the consumer got it */
  deliveries: number;
  reason: string;
  /** bytes of the body */
  size: number;
  /** the CloudEvents `type` of the body, when it is JSON with one */
  eventType?: string | undefined;
  /** the last token of the original subject */
  orderId?: string | undefined;
  /** a parked payment step: retried through payments, never replayed */
  parked: boolean;
  /** the original's size, when the body was cut (an oversized message): it cannot be replayed */
  truncatedFrom?: number | undefined;
}

/** `getDeadLetter`: the entry with every header and the body (parsed when it is JSON). */
export interface DeadLetter extends DeadLetterEntry {
  /** every header; several values of one header are joined with ", " */
  headers: Record<string, string>;
  body: unknown;
}

export interface DeadLetterFilter {
  consumer?: string | undefined;
  stream?: string | undefined;
}

/** A consumer or stream name that cannot be a subject token (empty, or with `.`, `*`, `>`, spaces). */
export class InvalidDeadLetterFilterError extends Error {
  readonly code = "invalid_filter";
}

const TOKEN = /^[^.*>\s]+$/;

/** The DLQ subject to read for a filter: `dlq.<stream|*>.<consumer|*>`, or `dlq.>` for everything. */
export function deadLetterFilterSubject({ consumer, stream }: DeadLetterFilter = {}): string {
  for (const [what, value] of [["consumer", consumer], ["stream", stream]] as const) {
    if (value !== undefined && !TOKEN.test(value)) throw new InvalidDeadLetterFilterError(`${what} ${JSON.stringify(value)} is not a valid name (no dots, wildcards or spaces)`);
  }
  if (consumer === undefined && stream === undefined) return `${DeadLetters.prefix}.>`;
  return `${DeadLetters.prefix}.${stream ?? "*"}.${consumer ?? "*"}`;
}

export interface StoredDeadLetter {
  seq: number;
  /** the DLQ subject, `dlq.<stream>.<consumer>` */
  subject: string;
  storedAt: Date;
  headers: Record<string, string[]>;
  data: Uint8Array;
}

const decoder = new TextDecoder();

/** The body as JSON when it parses, else as text. */
export function decodeBody(data: Uint8Array): unknown {
  const text = decoder.decode(data);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const header = (headers: Record<string, string[]>, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  for (const [key, values] of Object.entries(headers)) if (key.toLowerCase() === wanted && values.length > 0) return values[0];
  return undefined;
};

const count = (value: string | undefined): number => {
  const parsed = Number.parseInt(value ?? "", 10);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : 0;
};

/** Reads a dead letter's headers (falling back on the DLQ subject for the stream and consumer). */
export function toEntry(stored: StoredDeadLetter): DeadLetterEntry {
  const [, subjectStream = "", subjectConsumer = ""] = stored.subject.split(".");
  const consumer = header(stored.headers, DLQ_HEADERS.consumer) ?? subjectConsumer;
  const subject = header(stored.headers, DLQ_HEADERS.subject) ?? "";
  const originalSeq = count(header(stored.headers, DLQ_HEADERS.sequence));
  const body = decodeBody(stored.data);
  const type = typeof body === "object" && body !== null && typeof (body as { type?: unknown }).type === "string" ? (body as { type: string }).type : undefined;
  const deadAt = header(stored.headers, DLQ_HEADERS.time);
  const lastToken = subject.split(".").at(-1);
  return {
    seq: stored.seq,
    time: deadAt && !Number.isNaN(Date.parse(deadAt)) ? deadAt : stored.storedAt.toISOString(),
    consumer,
    stream: header(stored.headers, DLQ_HEADERS.stream) ?? subjectStream,
    subject,
    originalSeq,
    deliveries: count(header(stored.headers, DLQ_HEADERS.deliveries)),
    reason: header(stored.headers, DLQ_HEADERS.reason) ?? "(no reason recorded)",
    size: stored.data.length,
    eventType: type,
    orderId: subject.includes(".") ? lastToken : undefined,
    parked: consumer === PARKED_STEP_CONSUMER || (originalSeq === 0 && subject !== ""),
    truncatedFrom: header(stored.headers, DLQ_HEADERS.truncated) === undefined ? undefined : count(header(stored.headers, DLQ_HEADERS.truncated)),
  };
}

export function toDeadLetter(stored: StoredDeadLetter): DeadLetter {
  const headers = Object.fromEntries(Object.entries(stored.headers).map(([key, values]) => [key, values.join(", ")]));
  return { ...toEntry(stored), headers, body: decodeBody(stored.data) };
}

const DLQ_PREFIX = "checkout-dlq-";

/**
 * The headers a replay is published with: the original's (traceparent and the rest) without the
 * dead-letter bookkeeping (`Checkout-Dlq-*`), without NATS control headers (`Nats-Msg-Id`,
 * `Nats-Expected-*`, …: the replay gets its own msg id) and without an earlier `Checkout-Replay-For`,
 * plus `Checkout-Replay-For: <consumer>` so that only that consumer handles it.
 */
export function replayHeaders(headers: Record<string, string[]>, consumer: string): Array<[string, string]> {
  const kept: Array<[string, string]> = [];
  for (const [key, values] of Object.entries(headers)) {
    const lower = key.toLowerCase();
    if (lower.startsWith(DLQ_PREFIX) || lower.startsWith("nats-") || lower === REPLAY_FOR_HEADER.toLowerCase()) continue;
    for (const value of values) kept.push([key, value]);
  }
  kept.push([REPLAY_FOR_HEADER, consumer]);
  return kept;
}

/** The msg id of a replay: replaying the same dead letter twice within the duplicate window publishes once. */
export const replayMsgId = (dlqSeq: number) => `replay:${dlqSeq}`;
