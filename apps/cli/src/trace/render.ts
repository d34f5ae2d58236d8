import { formatOffset, formatDuration } from "../format/duration.ts";
import { renderTable, type Column } from "../format/table.ts";
import { describe, UNPARSEABLE, type Fact } from "./facts.ts";
import { shortId } from "./key-fields.ts";

const COLUMNS: Column[] = [
  { header: "TIME" },
  { header: "+T", align: "right" },
  { header: "STREAM#SEQ" },
  { header: "SUBJECT" },
  { header: "PRODUCER" },
  { header: "EVENT" },
  { header: "ID" },
  { header: "DETAILS" },
];

/** The human form of a trace: a summary line, then one line per fact (already in time order). */
export function renderTrace(orderId: string, facts: Fact[]): string {
  const first = facts.map((fact) => Date.parse(fact.time)).find((at) => !Number.isNaN(at));
  const rows = facts.map((fact) => {
    const at = Date.parse(fact.time);
    return [
      fact.time,
      first === undefined || Number.isNaN(at) ? "?" : formatOffset(at - first),
      `${fact.stream}#${fact.seq}`,
      fact.subject,
      fact.producer ?? "-",
      fact.event,
      fact.id ? shortId(fact.id) : "-",
      describe(fact),
    ];
  });
  return `${summary(orderId, facts)}\n${renderTable(COLUMNS, rows)}`;
}

export function summary(orderId: string, facts: Fact[]): string {
  const times = facts.map((fact) => Date.parse(fact.time)).filter((at) => !Number.isNaN(at));
  const unparseable = facts.filter((fact) => fact.event === UNPARSEABLE).length;
  const deadLetters = facts.filter((fact) => fact.deadLetter).length;
  const notes = [unparseable && `${unparseable} ${UNPARSEABLE}`, deadLetters && `${deadLetters} dead-lettered`].filter(Boolean);
  const span = times.length > 1 ? ` over ${formatDuration(Math.max(...times) - Math.min(...times))}` : "";
  return `order ${orderId}: ${facts.length} fact${facts.length === 1 ? "" : "s"}${notes.length ? ` (${notes.join(", ")})` : ""}${span}`;
}
