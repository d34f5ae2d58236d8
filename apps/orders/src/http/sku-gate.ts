import { Overloaded, waitYourTurn, type Connection } from "./admission.ts";

/**
 * What a checkout holds after the gate: its SKUs' places among the orders inventory has not decided.
 * `placed` ties them to the order just committed (they are given back when inventory's decision on it
 * is heard); `done` gives them back now, unless `placed` came first. Each counts once.
 */
export interface GatePass {
  placed(orderId: string): void;
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
 * most `forgetAfterMs` (a decision missed while disconnected, an order cancelled before inventory saw
 * it, inventory far behind): the gate only makes checkouts wait, so forgetting costs nothing but a
 * place. `maxPerSku` 0: no gate.
 */
export function createSkuGate({
  maxPerSku,
  maxWaiting,
  maxWaitMs,
  soldOut,
  forgetAfterMs = 10_000,
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
  const busy = (skus: readonly string[]) => skus.filter((sku) => !hasRoom([sku])).join(", ");
  const count = (counts: Map<string, number>, skus: readonly string[], by: 1 | -1) => {
    for (const sku of skus) {
      const next = (counts.get(sku) ?? 0) + by;
      if (next > 0) counts.set(sku, next);
      else counts.delete(sku);
    }
  };
  const take = (skus: readonly string[]) => count(taken, skus, 1);
  const giveBack = (skus: readonly string[]) => count(taken, skus, -1);
  const forgetOld = () => {
    const now = clock();
    for (const [orderId, order] of undecided) {
      if (now - order.at < forgetAfterMs) break; // inserted in order of time
      undecided.delete(orderId);
      giveBack(order.skus);
    }
  };

  const pass = (skus: readonly string[]): GatePass => {
    let state: "held" | "placed" | "done" = "held";
    return {
      placed(orderId) {
        if (state !== "held") return;
        state = "placed";
        if (skus.length > 0) undecided.set(orderId, { skus, at: clock() });
      },
      done() {
        if (state !== "held") return;
        state = "done";
        if (skus.length === 0) return;
        giveBack(skus);
        schedule();
      },
    };
  };

  // once per turn of the event loop, however many decisions a batch of events brought
  const scan = () => {
    scanning = false;
    forgetOld();
    for (const waiter of queue) {
      if (soldOut([...waiter.skus]).length > 0) waiter.admit(pass([]));
      else if (hasRoom(waiter.skus)) {
        take(waiter.skus);
        waiter.admit(pass(waiter.skus));
      }
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
    enter(skus, { connection, onWait } = {}) {
      if (maxPerSku === 0) return pass([]);
      forgetOld();
      if (hasRoom(skus) && noneWaitFor(skus)) {
        take(skus);
        return pass(skus);
      }
      if (queue.size >= maxWaiting || maxWaitMs === 0) {
        throw new Overloaded(`${maxPerSku} orders of ${busy(skus)} wait for inventory's decision and ${queue.size} checkouts wait behind them; try again shortly`, 1, "sku_busy");
      }
      onWait?.();
      return wait(skus, connection);
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
