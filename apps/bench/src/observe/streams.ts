import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import postgres from "postgres";

export const SAGA_STREAMS = ["ORDERS", "INVENTORY", "PAYMENTS", "SHIPPING"] as const;

export interface StreamStats {
  /** events per saga stream */
  events: Record<string, number>;
  total: number;
  /** from the first event stored to the last, over the four streams */
  spanS: number;
  perSecond: number;
  dlq: number;
  /** writes to the KV bucket `idempotency` (its last sequence) */
  idempotencyKvWrites: number;
}

/** What the run wrote to JetStream: event counts per stream and the span they were written over. */
export async function streamStats(natsUrl: string): Promise<StreamStats> {
  const nc = await connect({ servers: natsUrl, name: "bench-streams" });
  try {
    const jsm = await jetstreamManager(nc);
    const events: Record<string, number> = {};
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    for (const name of SAGA_STREAMS) {
      const { state } = await jsm.streams.info(name);
      events[name] = state.messages;
      if (state.messages > 0) {
        first = Math.min(first, Date.parse(state.first_ts));
        last = Math.max(last, Date.parse(state.last_ts));
      }
    }
    const total = Object.values(events).reduce((a, b) => a + b, 0);
    const spanS = last > first ? (last - first) / 1_000 : 0;
    const dlq = (await jsm.streams.info("DLQ").catch(() => undefined))?.state.messages ?? 0;
    const kv = (await jsm.streams.info("KV_idempotency").catch(() => undefined))?.state.last_seq ?? 0;
    return { events, total, spanS: Math.round(spanS * 100) / 100, perSecond: spanS > 0 ? Math.round(total / spanS) : 0, dlq, idempotencyKvWrites: kv };
  } finally {
    await nc.close();
  }
}

/** Committed transactions so far per database (pg_stat_database), to count what one saga costs. */
export async function commitCounts(adminUrl: string, databases: string[]): Promise<Record<string, number>> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<Array<{ datname: string; xact_commit: string }>>`SELECT datname, xact_commit FROM pg_stat_database WHERE datname = ANY(${databases})`;
    return Object.fromEntries(rows.map((row) => [row.datname, Number(row.xact_commit)]));
  } finally {
    await sql.end();
  }
}
