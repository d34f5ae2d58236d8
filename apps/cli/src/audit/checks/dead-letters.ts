import { plural, result, type CheckResult } from "../check.ts";
import type { DeadLetterSummary } from "../model.ts";

/** 7. The DLQ is empty. Each line is one (consumer, reason), with how many and which sequences. */
export function checkDeadLetters({ total, entries }: DeadLetterSummary): CheckResult {
  const groups = new Map<string, { consumer: string; reason: string; seqs: number[] }>();
  for (const entry of entries) {
    const key = `${entry.consumer}\u0000${entry.reason}`;
    const group = groups.get(key) ?? { consumer: entry.consumer, reason: entry.reason, seqs: [] };
    group.seqs.push(entry.seq);
    groups.set(key, group);
  }
  const lines = [...groups.values()].map(({ consumer, reason, seqs }) => {
    const shown = seqs.slice(0, 5).map((seq) => `#${seq}`).join(", ");
    return `${seqs.length}× ${consumer}: ${reason} (DLQ${shown}${seqs.length > 5 ? ", …" : ""})`;
  });
  if (total > entries.length) lines.push(`… and ${plural(total - entries.length, "more dead letter")} (checkout dlq ls)`);
  return result(7, "dead-letters", "the DLQ is empty", plural(total, "dead letter"), lines, [], total);
}
