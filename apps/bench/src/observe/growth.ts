import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import postgres from "postgres";
import { epochNow } from "../clock.ts";

/** One look at everything that could grow while the system runs: rows, stream and bucket messages, backlogs. */
export interface GrowthSample {
  t: number;
  /** `<service>.<table>` → rows */
  rows: Record<string, number>;
  /** `<service>.<what>` → rows in a state that must drain (held reservations, open orders, mail not yet sent) */
  live: Record<string, number>;
  /** stream (KV buckets as KV_<bucket>) → messages */
  streamMessages: Record<string, number>;
  streamBytes: Record<string, number>;
  /** each stream's max_age in ms (0: none): what trims it */
  streamMaxAgeMs: Record<string, number>;
  /** messages not yet delivered or not yet acked, over every durable consumer */
  consumerBacklog: number;
}

/** Rows that must come and go: if these grow over a run, something is not being finished or cleaned up. */
const LIVE_QUERIES: Record<string, Record<string, string>> = {
  orders: { "open orders": "SELECT count(*)::int AS n FROM orders WHERE status NOT IN ('COMPLETED', 'CANCELLED')" },
  inventory: { "held reservations": "SELECT count(*)::int AS n FROM reservations WHERE status = 'held'" },
  notifications: { "mail not sent": "SELECT count(*)::int AS n FROM outgoing_mail WHERE status = 'pending'" },
};

/**
 * Every `everyMs`, counts the rows of every table of every service database (exact counts), the rows
 * that must drain, the messages of every stream and bucket, and the consumers' backlog: the soak
 * scenario's evidence that nothing grows without bound.
 */
export async function startGrowthProbe({ natsUrl, databases, everyMs }: { natsUrl: string; databases: Record<string, string>; everyMs: number }) {
  const nc = await connect({ servers: natsUrl, name: "bench-growth" });
  const jsm = await jetstreamManager(nc);
  const pools = Object.fromEntries(Object.entries(databases).map(([service, url]) => [service, postgres(url, { max: 1, onnotice: () => {} })]));
  const samples: GrowthSample[] = [];

  async function sample(): Promise<void> {
    const rows: Record<string, number> = {};
    const live: Record<string, number> = {};
    for (const [service, sql] of Object.entries(pools)) {
      const tables = await sql<Array<{ relname: string }>>`SELECT relname FROM pg_stat_user_tables WHERE schemaname = 'public' AND relname <> 'schema_migrations' ORDER BY relname`;
      for (const { relname } of tables) rows[`${service}.${relname}`] = (await sql.unsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM "${relname}"`))[0]!.n;
      for (const [what, query] of Object.entries(LIVE_QUERIES[service] ?? {})) live[`${service}.${what}`] = (await sql.unsafe<Array<{ n: number }>>(query))[0]!.n;
    }
    const streamMessages: Record<string, number> = {};
    const streamBytes: Record<string, number> = {};
    const streamMaxAgeMs: Record<string, number> = {};
    let consumerBacklog = 0;
    for await (const info of jsm.streams.list()) {
      streamMessages[info.config.name] = info.state.messages;
      streamBytes[info.config.name] = info.state.bytes;
      streamMaxAgeMs[info.config.name] = Math.round((info.config.max_age ?? 0) / 1e6);
      for await (const consumer of jsm.consumers.list(info.config.name)) {
        if (consumer.config.durable_name) consumerBacklog += consumer.num_pending + consumer.num_ack_pending;
      }
    }
    samples.push({ t: epochNow(), rows, live, streamMessages, streamBytes, streamMaxAgeMs, consumerBacklog });
  }

  let pending = sample();
  const timer = setInterval(() => {
    pending = pending.then(sample, sample);
  }, everyMs);

  let stopped: Promise<GrowthSample[]> | undefined;
  return {
    samples,
    /** takes a last sample, then closes its connections (once, however often it is called) */
    stop(): Promise<GrowthSample[]> {
      stopped ??= (async () => {
        clearInterval(timer);
        await pending.catch(() => {});
        await sample().catch(() => {});
        await Promise.all(Object.values(pools).map((sql) => sql.end()));
        await nc.close();
        return samples;
      })();
      return stopped;
    },
  };
}
export type GrowthProbe = Awaited<ReturnType<typeof startGrowthProbe>>;
