import type { shopper } from "@checkout/testing";
import { sleep } from "../clock.ts";
import { runClosedLoop } from "../load/closed-loop.ts";
import { WARM_UP_SKU, type PlannedOrder } from "../plan/plan.ts";
import { precreateCarts, setStock } from "../system/carts.ts";
import { checkoutOne, createLedger } from "../system/checkout.ts";
import { untilNoOrderInFlight, waitForQuiet } from "../observe/settle.ts";
import { openReader } from "../verify/orders-db.ts";

type Shop = ReturnType<typeof shopper>;

export interface WarmUp {
  sku: string;
  /** its stock: one unit per hundred buyers, as in the default sale */
  units: number;
  buyers: number;
  /** answered 202: placed, or refused at checkout as sold out (CANCELLED) */
  accepted: number;
  /** from the first press to the last answer */
  seconds: number;
  /** from the last answer until every order of it was finished and the system quiet */
  settleS: number;
  /** the processes of the services that answered a read of their /metrics before its first checkout */
  metricsReadFrom: number;
}

/** The stock a run set: the plan's, and the warm-up's SKU with its own units when there was one. */
export const stockWithWarmUp = (stock: Record<string, number>, warmUp: WarmUp | undefined): Record<string, number> =>
  warmUp ? { ...stock, [warmUp.sku]: warmUp.units } : stock;

/**
 * `--warm-buyers n`: a smaller sale of another SKU (WARM_UP_SKU) before the clock starts, with one unit
 * per hundred buyers, as the default sale has. Its buyers press checkout `concurrency` at a time, as the
 * sale's will: the first orders go through the whole saga (reserved, paid, shipped, mailed), the next are
 * rejected by inventory, and the rest are refused at checkout once it is sold out. So every service has
 * run the code the sale runs. Then it waits until every order of it is finished, the consumers are
 * drained, and PostgreSQL has published the commits (`statsFlushMs`), so that nothing of it is counted in
 * the run's rates, latencies and costs (its sales are still checked for oversell, its dead letters still
 * counted). The sale's SKU, its stock, gate and sold-out hint are untouched.
 *
 * Before its first checkout, it reads every process's /metrics (`readMetrics`, which says how many
 * answered), as Prometheus does a production process's: a shop's processes have answered such requests
 * before its sale, and the code V8 optimizes for checkouts has seen them. Without that read, the run's
 * own read of /metrics just before the first arrival (bench.ts) was the first since the code was
 * optimized for checkouts: it deoptimized orders' request handling (Node's HTTP parser, hono's dispatch,
 * our middlewares), and the sale's first checkouts ran it unoptimized until it was compiled again.
 * Reading every 2 s instead, all through the warm-up, made the sale slower on Node 24, for a reason not
 * found (docs/benchmarks.md, twelfth session).
 */
export async function warmUp({
  readMetrics,
  buyers,
  concurrency,
  retries,
  shop,
  newShopper,
  urls,
  deadline,
  statsFlushMs,
}: {
  buyers: number;
  concurrency: number;
  retries: number;
  /** the operator's client, which sets stock */
  shop: Shop;
  newShopper: () => Shop;
  urls: { nats: string; orders: string; notifications: string };
  deadline: number;
  statsFlushMs: number;
  /** reads every process's /metrics; how many answered */
  readMetrics: () => Promise<number>;
}): Promise<WarmUp> {
  const metricsReadFrom = await readMetrics();
  const units = Math.ceil(buyers / 100);
  await setStock(shop, { [WARM_UP_SKU]: units });
  const orders = Array.from({ length: buyers }, (): PlannedOrder => ({ sku: WARM_UP_SKU, qty: 1, intent: "ok", cancelAfterMs: 0 }));
  const shoppers = Array.from({ length: Math.min(buyers, 10_000) }, newShopper);
  const shopOf = (index: number) => shoppers[index % shoppers.length]!;
  const carts = await precreateCarts(shopOf, orders, { concurrency: 64 });
  const ledger = createLedger(buyers);
  const { startedAt, endedAt } = await runClosedLoop({ count: buyers, concurrency, fire: (index, at) => checkoutOne(shopOf(index), ledger, index, orders[index]!, carts[index]!, at, retries) });

  const ordersDb = openReader(urls.orders);
  const notificationsDb = openReader(urls.notifications);
  try {
    const finished = await untilNoOrderInFlight({ orders: ordersDb, deadline });
    if (finished.at === undefined) throw new Error(`${finished.unfinished} of the warm-up's orders were still unfinished after ${Math.round((deadline - startedAt) / 1_000)} s`);
    const quietAt = await waitForQuiet({ natsUrl: urls.nats, notifications: notificationsDb, deadline });
    if (!quietAt) throw new Error("the consumers or the mail worker were still busy at the end of the warm-up's wait");
    await sleep(statsFlushMs);
    return { sku: WARM_UP_SKU, units, buyers, accepted: ledger.accepted, seconds: round((endedAt - startedAt) / 1_000), settleS: round((quietAt - endedAt) / 1_000), metricsReadFrom };
  } finally {
    await Promise.all([ordersDb.end(), notificationsDb.end()]);
  }
}

const round = (seconds: number) => Math.round(seconds * 100) / 100;
