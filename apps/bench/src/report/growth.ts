import type { GrowthSample } from "../observe/growth.ts";

/**
 * - `bounded`: must stay level under a steady load (backlogs, rows that drain, memory)
 * - `retained`: grows with the traffic and is trimmed by an age limit (streams, buckets, the inbox)
 * - `kept`: the business record (orders, payments, shipments…), kept on purpose, with no age limit
 */
export type GrowthKind = "bounded" | "retained" | "kept";

export interface GrowthRow {
  name: string;
  unit: "rows" | "messages" | "MB";
  kind: GrowthKind;
  /** what keeps it bounded or trims it */
  limit: string;
  /** at the start of the load, at the end of the run, and the highest seen */
  start: number;
  end: number;
  max: number;
  /** mean over the first and the second half of the load after the warm-up */
  firstHalf: number;
  secondHalf: number;
  /** retained and kept: how much one accepted order adds */
  perOrder: number | null;
  grows: boolean;
  verdict: string;
}

export interface GrowthInput {
  growth: GrowthSample[];
  /** the resource sampler's RSS readings (bytes) of each process */
  rss: Array<{ t: number; rssBytes: Record<string, number> }>;
  services: string[];
  loadStartedAt: number;
  loadEndedAt: number;
  warmupS: number;
  accepted: number;
  rate: number;
}

const DAY_MS = 86_400_000;
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN);
const age = (ms: number) => (ms % DAY_MS === 0 ? `${ms / DAY_MS} d` : ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : `${round(ms / 60_000)} min`);

/** the streams the saga's events go to, whose consumers make up the backlog */
const SAGA_STREAMS = new Set(["ORDERS", "INVENTORY", "PAYMENTS", "SHIPPING"]);

/** tables that never change under a checkout load: the catalog, promo codes, stock rows (one per SKU) */
const STATIC_TABLES = new Set(["orders.products", "orders.promo_codes", "inventory.stock"]);

type Point = { t: number; value: number };

/**
 * Judges every series a soak observed. A bounded series grows when the mean of the second half of the
 * load (after the warm-up) exceeds the first half's by more than the tolerance: two seconds of arrivals
 * for counts of rows, two seconds of saga events for the consumers' backlog, 10 % or 16 MB for memory.
 * A retained series must have an age limit; a kept one is reported per order. The halves are compared,
 * not the ends, so one slow sample or a GC does not decide.
 */
export function judgeGrowth(input: GrowthInput): GrowthRow[] {
  const from = input.loadStartedAt + input.warmupS * 1_000;
  const middle = from + (input.loadEndedAt - from) / 2;
  const rows: GrowthRow[] = [];

  const judge = (name: string, unit: GrowthRow["unit"], kind: GrowthKind, limit: string, points: Point[], { absolute, relative = 0.1 }: { absolute: number; relative?: number }) => {
    if (points.length === 0) return;
    const atLoad = points.filter((p) => p.t <= input.loadStartedAt).at(-1) ?? points[0]!;
    const end = points.at(-1)!.value;
    const firstHalf = mean(points.filter((p) => p.t >= from && p.t < middle).map((p) => p.value));
    const secondHalf = mean(points.filter((p) => p.t >= middle && p.t <= input.loadEndedAt).map((p) => p.value));
    const perOrder = kind === "bounded" ? null : round((end - atLoad.value) / Math.max(1, input.accepted), 2);
    let grows = false;
    let verdict: string;
    if (kind === "bounded") {
      const tolerance = Math.max(absolute, relative * (Number.isFinite(firstHalf) ? firstHalf : 0));
      grows = Number.isFinite(firstHalf) && Number.isFinite(secondHalf) && secondHalf - firstHalf > tolerance;
      verdict = !Number.isFinite(firstHalf) || !Number.isFinite(secondHalf) ? "too short to tell" : grows ? `GROWS: ${round(firstHalf)} → ${round(secondHalf)} (tolerance ${round(tolerance)})` : "level";
    } else if (kind === "retained") {
      grows = limit === "none" && end > atLoad.value;
      verdict = grows ? "GROWS: nothing trims it" : end > atLoad.value ? `${perOrder} per order, trimmed after ${limit}` : "unchanged";
    } else {
      verdict = end > atLoad.value ? `${perOrder} per order, kept` : "unchanged";
    }
    rows.push({ name, unit, kind, limit, start: round(atLoad.value), end: round(end), max: round(Math.max(...points.map((p) => p.value))), firstHalf: round(firstHalf), secondHalf: round(secondHalf), perOrder, grows, verdict });
  };

  const counts = { absolute: Math.max(20, 2 * input.rate) };
  const series = <K extends "rows" | "live" | "streamMessages">(key: K, name: string): Point[] =>
    input.growth.filter((s) => s[key][name] !== undefined).map((s) => ({ t: s.t, value: s[key][name]! }));
  const names = <K extends "rows" | "live" | "streamMessages">(key: K) => [...new Set(input.growth.flatMap((s) => Object.keys(s[key])))].sort();

  for (const name of names("live")) judge(name, "rows", "bounded", "finished sagas leave it", series("live", name), counts);
  // the backlog counts messages, not orders: its tolerance is two seconds of the events the saga streams
  // took in during the load (about 8 per order), not two seconds of arrivals
  const during = input.growth.filter((s) => s.t >= input.loadStartedAt && s.t <= input.loadEndedAt);
  const sagaMessages = (sample: GrowthSample | undefined) =>
    Object.entries(sample?.streamMessages ?? {}).reduce((sum, [name, messages]) => sum + (SAGA_STREAMS.has(name) ? messages : 0), 0);
  const loadS = (input.loadEndedAt - input.loadStartedAt) / 1_000;
  const eventsPerS = loadS > 0 ? (sagaMessages(during.at(-1)) - sagaMessages(during[0])) / loadS : 0;
  judge("consumer backlog (pending + unacked)", "messages", "bounded", "consumers keep up", input.growth.map((s) => ({ t: s.t, value: s.consumerBacklog })), {
    absolute: Math.max(counts.absolute, 2 * eventsPerS),
  });
  for (const service of input.services) {
    const points = input.rss.filter((s) => Number.isFinite(s.rssBytes[service])).map((s) => ({ t: s.t, value: s.rssBytes[service]! / 1_048_576 }));
    judge(`${service} RSS`, "MB", "bounded", "garbage collection", points, { absolute: 16 });
  }
  for (const name of names("rows")) {
    const table = name.split(".").at(-1);
    if (table === "outbox") judge(name, "rows", "bounded", "the relay deletes what it published", series("rows", name), counts);
    else if (table === "inbox") judge(name, "rows", "retained", "INBOX_RETENTION_MS (31 d by default)", series("rows", name), counts);
    else if (STATIC_TABLES.has(name)) judge(name, "rows", "bounded", "not written by checkouts", series("rows", name), counts);
    else judge(name, "rows", "kept", "none: the business record", series("rows", name), counts);
  }
  for (const name of names("streamMessages")) {
    const maxAge = input.growth.at(-1)?.streamMaxAgeMs[name] ?? 0;
    judge(`stream ${name}`, "messages", "retained", maxAge > 0 ? `max_age ${age(maxAge)}` : "none", series("streamMessages", name), counts);
  }
  return rows;
}
