import { connect } from "@nats-io/transport-node";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import postgres from "postgres";

export const SAGA_STREAMS = ["ORDERS", "INVENTORY", "PAYMENTS", "SHIPPING"] as const;

export interface StreamStats {
  /** events per saga stream */
  events: Record<string, number>;
  total: number;
  /** from the first event stored to the last, over the four streams */
  spanS: number;
  perSecond: number;
  /** dead letters since the system started, a warm-up's included */
  dlq: number;
  /** writes to the KV bucket `idempotency` */
  idempotencyKvWrites: number;
}

/** A stream's last sequence (0: none yet, or no such stream). */
const lastSeqOf = async (jsm: JetStreamManager, name: string) => (await jsm.streams.info(name).catch(() => undefined))?.state.last_seq ?? 0;

/** The streams a run counts from its marks: the four saga streams and the idempotency bucket. */
const COUNTED = [...SAGA_STREAMS, "KV_idempotency"] as const;

/** Each counted stream's last sequence now: what is stored after it is the run's (`streamStats`). */
export async function streamMarks(natsUrl: string): Promise<Record<string, number>> {
  const nc = await connect({ servers: natsUrl, name: "bench-streams" });
  try {
    const jsm = await jetstreamManager(nc);
    const marks: Record<string, number> = {};
    for (const name of COUNTED) marks[name] = await lastSeqOf(jsm, name);
    return marks;
  } finally {
    await nc.close();
  }
}

/**
 * What the run wrote to JetStream after `since` (streamMarks; a warm-up before the clock is not counted):
 * event counts per stream and the span they were written over, and the dead letters.
 */
export async function streamStats(natsUrl: string, since: Record<string, number>): Promise<StreamStats> {
  const nc = await connect({ servers: natsUrl, name: "bench-streams" });
  try {
    const jsm = await jetstreamManager(nc);
    const written = async (name: string) => {
      const last = await lastSeqOf(jsm, name);
      return { last, count: Math.max(0, last - (since[name] ?? 0)) };
    };
    const events: Record<string, number> = {};
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    for (const name of SAGA_STREAMS) {
      const { count, last: lastSeq } = await written(name);
      events[name] = count;
      if (count === 0) continue;
      const [firstMsg, lastMsg] = await Promise.all([jsm.streams.getMessage(name, { seq: lastSeq - count + 1 }), jsm.streams.getMessage(name, { seq: lastSeq })]);
      if (firstMsg) first = Math.min(first, firstMsg.time.getTime());
      if (lastMsg) last = Math.max(last, lastMsg.time.getTime());
    }
    const total = Object.values(events).reduce((a, b) => a + b, 0);
    const spanS = last > first ? (last - first) / 1_000 : 0;
    const dlq = (await written("DLQ")).last; // every one: a warm-up's dead letter must show too
    const kv = (await written("KV_idempotency")).count;
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
