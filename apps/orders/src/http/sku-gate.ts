import { Overloaded, waitYourTurn, type Connection } from "./admission.ts";

/**
 * What a checkout holds after the gate: its SKUs' places among the orders inventory has not decided.
 * `placing` names the order about to be written with them: from then on inventory's decision on it
 * gives them back. `placed` keeps them for that decision once the order is committed; `done` gives them
 * back now (a refusal, a failure, a replay), unless `placed` came first or the decision was heard.
 */
export interface GatePass {
  placing(orderId: string): void;
  placed(): void;
  done(): void;
}

export interface SkuGate {
  /**
   * A pass for an order of `skus`: at once while each of them has fewer than `maxPerSku` orders of this
   * instance that inventory has not decided. Otherwise the checkout waits, first come first served,
   * until each has room, or until one of them is sold out (the pass then holds nothing: the checkout is
   * refused). `onWait` runs when it starts to wait. Throws Overloaded (`sku_busy`) when `maxWaiting`
   * already wait or after `maxWaitMs`, and (`gone`) when `connection` closes first.
   */
  enter(skus: readonly string[], wait?: { connection?: Connection | undefined; onWait?: () => void }): GatePass | Promise<GatePass>;
  /** inventory decided this order (reserved or rejected): its places go to the checkouts waiting */
  decided(orderId: string): void;
  /** a SKU may have sold out (a rejection was heard): the checkouts waiting for it go on, to be refused */
  wake(): void;
  /** decisions may have been missed (the connection to NATS was lost): every undecided order is forgotten */
  missedDecisions(): void;
  /** the longest a checkout waits here (after it, `sku_busy`) */
  readonly maxWaitMs: number;
  /** checkouts waiting now */
  waiting(): number;
  /** places taken for `sku` now: orders placed and not decided, and checkouts between the gate and their commit */
  taken(sku: string): number;
}

interface Waiter {
  skus: readonly string[];
  admit(pass: GatePass): void;
}

/**
 * The hot-SKU gate (ADR 0014). In a flash sale every buyer's order goes through the saga until
 * inventory's first rejection reaches the sold-out hint (ADR 0010): the hundreds placed in that time
 * cost a whole saga each to be told "sold out". The gate lets at most `maxPerSku` orders of one SKU be
 * undecided at once on this instance; the next checkouts of it wait for inventory's decisions on those,
 * and by then the hint usually has the answer for them. An order counts as undecided from the
 * checkout's pass until inventory's InventoryReserved or InventoryRejected of it is heard, or for at
 * most `forgetAfterMs` (an order cancelled before inventory saw it, inventory far behind), or until the
 * connection to NATS is lost (`missedDecisions`: decisions published meanwhile are never heard): the
 * gate only makes checkouts wait, so forgetting costs nothing but a place. A checkout waits for room on
 * every SKU of its cart, behind the earlier checkouts of each of them. `maxPerSku` 0: no gate.
 */
export function createSkuGate({
  maxPerSku,
  maxWaiting,
  maxWaitMs,
  soldOut,
  forgetAfterMs = 5_000,
  clock = Date.now,
}: {
  maxPerSku: number;
  maxWaiting: number;
  maxWaitMs: number;
  /** those of `skus` known to be sold out now (the sold-out hint) */
  soldOut: (skus: string[]) => string[];
  forgetAfterMs?: number;
  clock?: () => number;
}): SkuGate {
  const taken = new Map<string, number>(); // sku → places taken
  const undecided = new Map<string, { skus: readonly string[]; at: number }>(); // orderId → its places, oldest first
  const queue = new Set<Waiter>(); // first come first served; a waiter that gave up is deleted
  const waitingFor = new Map<string, number>(); // sku → checkouts in the queue with it in their cart
  let scanning = false;
  let sweeper: ReturnType<typeof setInterval> | undefined;

  const hasRoom = (skus: readonly string[]) => skus.every((sku) => (taken.get(sku) ?? 0) < maxPerSku);
  // a checkout goes on at once only if none of its SKUs has anyone waiting: first come first served
  const noneWaitFor = (skus: readonly string[]) => skus.every((sku) => !waitingFor.has(sku));
  // the SKUs a checkout of `skus` waits for
  const busy = (skus: readonly string[]) => skus.filter((sku) => !hasRoom([sku]) || waitingFor.has(sku)).join(", ");
  const count = (counts: Map<string, number>, skus: readonly string[], by: 1 | -1) => {
    for (const sku of skus) {
      const next = (counts.get(sku) ?? 0) + by;
      if (next > 0) counts.set(sku, next);
      else counts.delete(sku);
    }
  };
  const take = (skus: readonly string[]) => count(taken, skus, 1);
  const giveBack = (skus: readonly string[]) => count(taken, skus, -1);
  const forgetOld = (all = false) => {
    const now = clock();
    let forgot = false;
    for (const [orderId, order] of undecided) {
      if (!all && now - order.at < forgetAfterMs) break; // inserted in order of time
      undecided.delete(orderId);
      giveBack(order.skus);
      forgot = true;
    }
    return forgot;
  };

  const pass = (skus: readonly string[]): GatePass => {
    let state: "held" | "placing" | "placed" | "done" = "held";
    let order: string | undefined;
    return {
      placing(orderId) {
        if (state !== "held") return;
        state = "placing";
        order = orderId;
        if (skus.length > 0) undecided.set(orderId, { skus, at: clock() });
      },
      placed() {
        if (state === "placing") state = "placed";
      },
      done() {
        if (state === "placed" || state === "done") return;
        const wasPlacing = state === "placing";
        state = "done";
        if (skus.length === 0) return;
        if (wasPlacing && !undecided.delete(order!)) return; // decided (or forgotten) already: given back then
        giveBack(skus);
        schedule();
      },
    };
  };

  // once per turn of the event loop, however many decisions a batch of events brought
  const scan = () => {
    scanning = false;
    forgetOld();
    const passedOver = new Set<string>(); // SKUs an earlier waiter still waits for: the later ones wait behind it
    for (const waiter of queue) {
      if (soldOut([...waiter.skus]).length > 0) waiter.admit(pass([]));
      else if (hasRoom(waiter.skus) && !waiter.skus.some((sku) => passedOver.has(sku))) {
        take(waiter.skus);
        waiter.admit(pass(waiter.skus));
      } else for (const sku of waiter.skus) passedOver.add(sku);
    }
  };
  const schedule = () => {
    if (queue.size === 0) {
      clearInterval(sweeper);
      sweeper = undefined;
    } else if (!scanning) {
      scanning = true;
      setImmediate(scan);
    }
  };

  const wait = (skus: readonly string[], connection: Connection | undefined) => {
    const turn = waitYourTurn<GatePass>(
      (admit) => {
        const leave = () => {
          if (queue.delete(waiter)) count(waitingFor, skus, -1);
        };
        const waiter: Waiter = {
          skus,
          admit(granted) {
            leave();
            admit(granted);
          },
        };
        queue.add(waiter);
        count(waitingFor, skus, 1);
        return leave;
      },
      {
        connection,
        maxWaitMs,
        timedOut: () => new Overloaded(`inventory has not decided ${maxPerSku} earlier orders of ${busy(skus)} within ${maxWaitMs} ms; try again shortly`, 1, "sku_busy"),
      },
    );
    // places also come back by age, without an event: look again now and then while anyone waits
    sweeper ??= setInterval(schedule, Math.max(100, Math.min(1_000, forgetAfterMs / 4))).unref();
    schedule(); // room it may have had already, behind those who came first
    return turn;
  };

  return {
    maxWaitMs,
    enter(skus, { connection, onWait } = {}) {
      if (maxPerSku === 0) return pass([]);
      if (forgetOld()) schedule();
      if (hasRoom(skus) && noneWaitFor(skus)) {
        take(skus);
        return pass(skus);
      }
      if (queue.size >= maxWaiting || maxWaitMs === 0) {
        throw new Overloaded(`${queue.size} checkouts already wait for inventory's decisions on orders of ${busy(skus)}; try again shortly`, 1, "sku_busy");
      }
      onWait?.();
      return wait(skus, connection);
    },
    missedDecisions() {
      if (forgetOld(true)) schedule();
    },
    decided(orderId) {
      const order = undecided.get(orderId);
      if (!order) return; // another instance's order, or forgotten
      undecided.delete(orderId);
      giveBack(order.skus);
      schedule();
    },
    wake: () => schedule(),
    waiting: () => queue.size,
    taken: (sku) => taken.get(sku) ?? 0,
  };
}
