import type { DeadLetter, DeadLetterEntry, ReplayAllResult, ReplayResult } from "@checkout/messaging";
import { formatBytes, formatCount } from "../format/bytes.ts";
import { formatAge } from "../format/duration.ts";
import { renderTable } from "../format/table.ts";

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** `checkout.OrderPlaced.v1` → `OrderPlaced.v1`; a parked payment step says so. */
export const eventLabel = (entry: Pick<DeadLetterEntry, "eventType" | "parked">): string =>
  entry.parked ? "(parked payment step)" : (entry.eventType?.replace(/^checkout\./, "") ?? "-");

/** Where the original was: `ORDERS#12`, or `-` for a parked payment step (it came from no stream). */
export const origin = (entry: Pick<DeadLetterEntry, "stream" | "originalSeq" | "parked">): string => (entry.parked ? "-" : `${entry.stream}#${entry.originalSeq}`);

/** What an operator does next with one dead letter. */
export function nextStep(entry: Pick<DeadLetterEntry, "seq" | "parked" | "orderId">): string {
  if (entry.parked) {
    return `retry the step on the payments service (POST /admin/payments/${entry.orderId ?? "<orderId>"}/retry), then remove this dead letter: checkout dlq rm ${entry.seq}`;
  }
  return `fix the cause, then: checkout dlq replay ${entry.seq}   (or drop it: checkout dlq rm ${entry.seq})`;
}

export function renderList(entries: DeadLetterEntry[], total: number, now: Date): string {
  if (total === 0) return "no dead letters";
  const table = renderTable(
    [
      { header: "SEQ", align: "right" },
      { header: "DEAD-LETTERED" },
      { header: "CONSUMER" },
      { header: "FROM" },
      { header: "SUBJECT" },
      { header: "EVENT" },
      { header: "DELIVERIES", align: "right" },
      { header: "SIZE", align: "right" },
      { header: "REASON" },
    ],
    entries.map((entry) => [
      String(entry.seq),
      formatAge(entry.time, now),
      entry.consumer,
      origin(entry),
      entry.subject,
      eventLabel(entry),
      String(entry.deliveries),
      formatBytes(entry.size),
      entry.reason,
    ]),
  );
  const shown = entries.length < total ? ` (showing the oldest ${formatCount(entries.length)}; --limit for more)` : "";
  return `${plural(total, "dead letter")}${shown}\n${table}`;
}

export function renderShow(letter: DeadLetter, now: Date): string {
  const field = (name: string, value: string) => `${name.padEnd(9)}${value}`;
  const body = typeof letter.body === "string" ? letter.body : JSON.stringify(letter.body, null, 2);
  const headers = Object.entries(letter.headers).map(([key, value]) => `  ${key}: ${value}`);
  return [
    `DLQ#${letter.seq}  dead-lettered ${letter.time} (${formatAge(letter.time, now)}) by ${letter.consumer} after ${plural(letter.deliveries, "delivery", "deliveries")}`,
    field("from", `${origin(letter)} ${letter.subject}`),
    field("event", letter.parked ? eventLabel(letter) : (letter.eventType ?? "- (the body has no CloudEvents type)")),
    field("order", letter.orderId ?? "-"),
    field("reason", letter.reason),
    field("size", formatBytes(letter.size)),
    "headers",
    ...headers,
    "body",
    ...body.split("\n").map((line) => `  ${line}`),
    "",
    `next: ${nextStep(letter)}`,
  ].join("\n");
}

export function renderReplay(result: ReplayResult): string {
  const where = `${result.subject} (${result.stream}#${result.seq}) for ${result.consumer} only`;
  return result.duplicate
    ? `DLQ#${result.dlqSeq} was already replayed to ${where}: deduplicated, nothing new published; the dead letter is removed`
    : `replayed DLQ#${result.dlqSeq} to ${where}; the dead letter is removed`;
}

export function renderReplayAll(result: ReplayAllResult): string {
  const lines = [...result.replayed.map(renderReplay), ...result.skipped.map((skip) => `skipped DLQ#${skip.seq} (${skip.consumer}, ${skip.subject}): ${skip.reason}`)];
  const summary = `replayed ${formatCount(result.replayed.length)}, skipped ${formatCount(result.skipped.length)}`;
  return lines.length === 0 ? "no dead letters to replay" : `${lines.join("\n")}\n${summary}`;
}
