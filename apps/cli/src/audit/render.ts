import { formatCount } from "../format/bytes.ts";
import { formatMoney } from "../format/money.ts";
import { renderTable } from "../format/table.ts";
import type { Figures } from "./figures.ts";
import type { AuditReport } from "./run.ts";

const counts = (record: Record<string, number>) => {
  const entries = Object.entries(record);
  return entries.length === 0 ? "none" : entries.map(([key, n]) => `${key} ${formatCount(n)}`).join(", ");
};
const amounts = (record: Record<string, number>) => {
  const entries = Object.entries(record);
  return entries.length === 0 ? "nothing" : entries.map(([currency, amount]) => formatMoney(amount, currency)).join(" + ");
};

export function renderFigures(f: Figures): string {
  const total = (record: Record<string, number>) => Object.values(record).reduce((sum, n) => sum + n, 0);
  const rows: Array<[string, string]> = [
    ["orders", `${formatCount(f.orders.total)} (${counts(f.orders.byStatus)}); ${formatCount(f.orders.inFlight)} in flight`],
    ["stock", `${formatCount(f.stock.skus)} SKUs: ${formatCount(f.stock.onHand)} on hand, ${formatCount(f.stock.reserved)} reserved`],
    ["reservations", `${formatCount(total(f.reservations))} (${counts(f.reservations)})`],
    ["holds", f.holds === null ? "no KV bucket reservations" : `${formatCount(f.holds)} keys in KV reservations`],
    ["payments", `${formatCount(total(f.payments))} (${counts(f.payments)})`],
    ["intents", `${formatCount(f.intents.total)} (${counts(f.intents.byStatus)}); captured ${amounts(f.intents.captured)}, refunded ${amounts(f.intents.refunded)}`],
    ["shipments", `${formatCount(total(f.shipments))} (${counts(f.shipments)})`],
    ["mails", `${Object.entries(f.mails).map(([kind, byStatus]) => `${kind}: ${counts(byStatus)}`).join("; ") || "none"}; mailbox ${formatCount(f.mailbox)}`],
    ["streams", counts(f.streams)],
    ["dead letters", formatCount(f.deadLetters)],
  ];
  return renderTable([{ header: "" }, { header: "" }], rows).split("\n").slice(1).join("\n");
}

/** The checks, one line each (✓/✗, violations, what was looked at), with up to `maxLines` violations under each. */
export function renderAudit(report: AuditReport, { maxLines = 20 }: { maxLines?: number } = {}): string {
  const { nats, "stripe-sim": stripe, ...databases } = report.sources;
  const where = (url: string) => {
    try {
      const parsed = new URL(url);
      return `${parsed.host}${parsed.pathname}`;
    } catch {
      return url;
    }
  };
  const dbs = Object.entries(databases).map(([name, url]) => `${name} ${where(url)}`).join(", ");
  const table = renderTable(
    [{ header: "" }, { header: "#", align: "right" }, { header: "CHECK" }, { header: "VIOLATIONS", align: "right" }, { header: "CHECKED" }, { header: "INVARIANT" }],
    report.checks.map((check) => [check.ok ? "✓" : "✗", String(check.id), check.name, formatCount(check.count), check.checked, check.title]),
  ).split("\n");
  const lines = [table[0]!];
  report.checks.forEach((check, index) => {
    lines.push(table[index + 1]!);
    for (const violation of check.violations.slice(0, maxLines)) lines.push(`      - ${violation}`);
    if (check.violations.length > maxLines) lines.push(`      … and ${formatCount(check.violations.length - maxLines)} more (--json for all)`);
    for (const note of check.notes) lines.push(`      note: ${note}`);
  });
  const failed = report.checks.filter((check) => !check.ok);
  const verdict = `${report.checks.length} checks: ${report.checks.length - failed.length} ✓, ${failed.length} ✗${failed.length ? ` (${failed.map((check) => check.name).join(", ")})` : ""}`;
  const header = [`checkout audit · nats ${nats ?? "?"} · stripe-sim ${stripe ?? "?"} · settle ${report.settleSeconds}s`, `databases: ${dbs}`];
  return [...header, "", renderFigures(report.figures), "", ...lines, "", verdict].join("\n");
}
