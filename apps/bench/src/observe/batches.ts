/** How many messages each durable consumer handled per transaction over a run (its batches). */
export interface ConsumerBatches {
  transactions: number;
  messages: number;
  mean: number;
}

const LINE = /^consumer_batch_messages_(sum|count)\{([^}]*)\}\s+([0-9.e+-]+)/;

/** From a service's Prometheus text: the sum and count of `consumer_batch_messages`, per consumer. */
export function parseBatches(text: string): Record<string, ConsumerBatches> {
  const found: Record<string, { sum?: number; count?: number }> = {};
  for (const line of text.split("\n")) {
    const match = LINE.exec(line);
    if (!match) continue;
    const consumer = /consumer="([^"]+)"/.exec(match[2]!)?.[1];
    if (!consumer) continue;
    (found[consumer] ??= {})[match[1] as "sum" | "count"] = Number(match[3]);
  }
  const batches: Record<string, ConsumerBatches> = {};
  for (const [consumer, { sum = 0, count = 0 }] of Object.entries(found)) {
    batches[consumer] = { transactions: count, messages: sum, mean: count > 0 ? Math.round((sum / count) * 10) / 10 : 0 };
  }
  return batches;
}

/** The batches of several processes, each consumer's added up. */
export function mergeBatches(parts: Array<Record<string, ConsumerBatches>>): Record<string, ConsumerBatches> {
  const all: Record<string, ConsumerBatches> = {};
  for (const part of parts) {
    for (const [consumer, { transactions, messages }] of Object.entries(part)) {
      const sum = { transactions: (all[consumer]?.transactions ?? 0) + transactions, messages: (all[consumer]?.messages ?? 0) + messages };
      all[consumer] = { ...sum, mean: sum.transactions > 0 ? Math.round((sum.messages / sum.transactions) * 10) / 10 : 0 };
    }
  }
  return all;
}

/** The batches since `before` (a warm-up's are not the run's): each consumer's counts less their earlier values. */
export function batchesSince(after: Record<string, ConsumerBatches>, before: Record<string, ConsumerBatches>): Record<string, ConsumerBatches> {
  const since: Record<string, ConsumerBatches> = {};
  for (const [consumer, { transactions, messages }] of Object.entries(after)) {
    const diff = { transactions: transactions - (before[consumer]?.transactions ?? 0), messages: messages - (before[consumer]?.messages ?? 0) };
    if (diff.transactions > 0) since[consumer] = { ...diff, mean: Math.round((diff.messages / diff.transactions) * 10) / 10 };
  }
  return since;
}

/** From orders' Prometheus text: the presses of POST /api/checkout it answered, every outcome (orders_checkout_total). */
export function parseCheckouts(text: string): number {
  let total = 0;
  for (const match of text.matchAll(/^orders_checkout_total\{[^}]*\}\s+([0-9.e+-]+)/gm)) total += Number(match[1]);
  return total;
}

