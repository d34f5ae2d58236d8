import type { Context, MiddlewareHandler } from "hono";
import { HttpError, type AppEnv, type Metrics } from "@checkout/http";
import { checkoutOutcomes } from "./checkout-routes.ts";

/** Why a checkout was refused for load (`sku_busy`: the hot-SKU gate, sku-gate.ts) */
export type OverloadReason = "queue_full" | "waited_out" | "gone" | "backlog" | "sku_busy";

/** A checkout refused for load: the client is told when to come back. */
export class Overloaded extends HttpError {
  constructor(
    message: string,
    retryAfterSeconds: number,
    readonly reason: OverloadReason,
  ) {
    super(503, "overloaded", message, undefined, { "Retry-After": String(retryAfterSeconds) });
  }

  override problemMembers() {
    return { reason: this.reason };
  }
}

export interface AdmissionLimits {
  /** checkouts this instance works on at once; 0: no limit */
  maxInFlight: number;
  /** checkouts that may wait, first come first served, for one of those slots; 0: none wait */
  maxWaiting: number;
  /** how long one waits for its slot before it is answered 503; 0: none wait */
  maxWaitMs: number;
  /** orders not yet COMPLETED or CANCELLED, across the system; 0: no limit */
  maxOpenOrders: number;
}

export interface Ticket {
  /** gives the slot back (to the longest waiting checkout, if any); once, however often it is called */
  done(): void;
}

/** What `enter` watches while a checkout waits: its client's connection (a node:http ServerResponse). */
export interface Connection {
  once(event: "close", listener: () => void): unknown;
  off(event: "close", listener: () => void): unknown;
}

export interface Admission {
  /**
   * A slot among `maxInFlight`. When all are taken, waits for one behind the checkouts that came first;
   * throws Overloaded when `maxWaiting` already wait, after `maxWaitMs`, or when `connection` closes
   * first (the client went away: its checkout is not run). A free slot is returned as it is, not in a
   * promise: the common case costs no extra turn of the event loop.
   */
  enter(connection?: Connection): Ticket | Promise<Ticket>;
  /**
   * A slot again for a checkout that gave its slot up while it waited elsewhere (the hot-SKU gate): a
   * free one, or the next one freed, before any checkout that has not had one yet. Throws Overloaded
   * after `maxWaitMs`, or when `connection` closes first; never for a full queue.
   */
  reenter(connection?: Connection): Ticket | Promise<Ticket>;
  /** throws Overloaded while `maxOpenOrders` or more orders are open */
  checkBacklog(): Promise<void>;
  /** checkouts waiting for a slot now */
  waiting(): number;
}

interface Waiter {
  admit(ticket: Ticket): void;
}

/**
 * A checkout's wait in a queue: `join` puts it in line with the function that lets it go on (with what it
 * was granted) and returns the function that takes it out of line. Rejects with `timedOut()` after
 * `maxWaitMs`, and with Overloaded (`gone`) when `connection` closes first.
 */
export function waitYourTurn<Granted>(
  join: (admit: (granted: Granted) => void) => () => void,
  { connection, maxWaitMs, timedOut }: { connection: Connection | undefined; maxWaitMs: number; timedOut: () => Overloaded },
): Promise<Granted> {
  return new Promise<Granted>((resolve, reject) => {
    const stopWatching = () => {
      clearTimeout(timer);
      connection?.off("close", gone);
    };
    const leave = join((granted) => {
      stopWatching();
      resolve(granted);
    });
    const quit = (error: Overloaded) => {
      leave();
      stopWatching();
      reject(error);
    };
    const gone = () => quit(new Overloaded("the client went away while its checkout waited", 1, "gone"));
    const timer = setTimeout(() => quit(timedOut()), maxWaitMs);
    connection?.once("close", gone);
  });
}

/**
 * Backpressure for POST /checkout. This instance works on at most `maxInFlight` checkouts at once
 * (checked after the token, an HMAC, and before the body is read or any I/O, so that refusing stays
 * cheap when the process is busiest). A checkout beyond them waits in a bounded queue and gets the next free slot, in the order
 * they came: a flash sale's first buyers are served first, and a burst a little larger than the bound is
 * smoothed instead of answered 503 and sent again. Beyond the queue, or after `maxWaitMs` in it, the
 * answer is 503 with `Retry-After: 1`. A new order is also refused, 503 with `Retry-After: 2`, while
 * the saga is behind: `maxOpenOrders` orders are still open. The open count is read at most every
 * `refreshMs` (one shared query, however many requests wait on it), so under load the check costs
 * nothing per request.
 */
export function createAdmission({
  limits,
  countOpenOrders,
  refreshMs = 500,
  clock = Date.now,
}: {
  limits: AdmissionLimits;
  countOpenOrders: () => Promise<number>;
  refreshMs?: number;
  clock?: () => number;
}): Admission {
  let inFlight = 0;
  // first come first served; a waiter that gave up is deleted (a Set keeps insertion order)
  const queue = new Set<Waiter>();
  // checkouts that had a slot and gave it up while they waited elsewhere: served before `queue`
  const returning = new Set<Waiter>();
  let open: { count: number; at: number } | undefined;
  let reading: Promise<number> | undefined;

  const ticket = (): Ticket => {
    let released = false;
    return {
      done() {
        if (released) return;
        released = true;
        const line = returning.size > 0 ? returning : queue;
        const next = line.values().next();
        if (next.done) inFlight -= 1;
        else {
          line.delete(next.value); // the slot passes straight on: inFlight stays
          next.value.admit(ticket());
        }
      },
    };
  };

  const wait = (line: Set<Waiter>, connection: Connection | undefined) =>
    waitYourTurn<Ticket>(
      (admit) => {
        const waiter: Waiter = { admit };
        line.add(waiter);
        return () => line.delete(waiter);
      },
      { connection, maxWaitMs: limits.maxWaitMs, timedOut: () => new Overloaded(`no checkout slot freed within ${limits.maxWaitMs} ms; try again shortly`, 1, "waited_out") },
    );
  const freeSlot = () => {
    if (limits.maxInFlight !== 0 && inFlight >= limits.maxInFlight) return undefined;
    inFlight += 1;
    return ticket();
  };

  const openOrders = async (): Promise<number> => {
    if (open && clock() - open.at < refreshMs) return open.count;
    reading ??= countOpenOrders()
      .then((count) => {
        open = { count, at: clock() };
        return count;
      })
      .finally(() => (reading = undefined));
    return reading;
  };

  return {
    enter(connection) {
      const free = freeSlot();
      if (free) return free;
      if (queue.size >= limits.maxWaiting || limits.maxWaitMs === 0) {
        throw new Overloaded(`${inFlight} checkouts are in progress on this instance and ${queue.size} waiting; try again shortly`, 1, "queue_full");
      }
      return wait(queue, connection);
    },
    reenter(connection) {
      return freeSlot() ?? wait(returning, connection);
    },
    async checkBacklog() {
      if (limits.maxOpenOrders === 0) return;
      const count = await openOrders();
      if (count >= limits.maxOpenOrders) throw new Overloaded(`${count} orders are still being processed; try again shortly`, 2, "backlog");
    },
    waiting: () => queue.size,
  };
}

/** The client's connection, when the app is served by @hono/node-server (not for app.request in tests). */
export const connectionOf = (c: Context<AppEnv>): Connection | undefined => (c.env as { outgoing?: Connection } | undefined)?.outgoing;

const slots = new WeakMap<Context<AppEnv>, { ticket: Ticket; admission: Admission }>();

/**
 * Gives this checkout's slot to the next one while it waits on something other than this instance's
 * work (the hot-SKU gate: inventory's decisions): a waiting checkout uses no CPU, and holding its slot
 * would make checkouts of other SKUs queue behind it. Returns how to take a slot again when it goes on
 * (`Admission.reenter`, ahead of the checkouts that have not had one); none outside the in-flight bound.
 */
export function stepAside(c: Context<AppEnv>): (() => Promise<void>) | undefined {
  const slot = slots.get(c);
  if (!slot) return undefined;
  slot.ticket.done();
  return async () => {
    slot.ticket = await slot.admission.reenter(connectionOf(c));
  };
}

/**
 * The in-flight bound as the first middleware of POST /checkout: holds a slot for the rest of the
 * request, or answers 503. Counts refusals as `orders_checkout_total{outcome="shed"}`, every wait in
 * `orders_checkout_wait_seconds{result}` (admitted, waited_out, gone) and the queue in
 * `orders_checkout_waiting`.
 */
export function admit({ admission, metrics, maxWaitMs }: { admission: Admission; metrics: Metrics; maxWaitMs: number }): MiddlewareHandler<AppEnv> {
  const outcomes = checkoutOutcomes(metrics);
  const limitS = Math.max(maxWaitMs / 1000, 0.01); // the last bucket is the limit: a wait that reached it
  const buckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30].filter((seconds) => seconds < limitS).concat(limitS);
  const waits = metrics.histogram("orders_checkout_wait_seconds", "Time checkouts that found every slot taken waited, by how the wait ended", ["result"], buckets);
  metrics.gauge("orders_checkout_waiting", "Checkouts waiting for a slot now", () => admission.waiting());

  return async function admitCheckout(c, next) {
    let ticket: Ticket;
    const started = performance.now();
    let waited = false;
    try {
      const entered = admission.enter(connectionOf(c));
      waited = entered instanceof Promise;
      ticket = waited ? await entered : (entered as Ticket);
      if (waited) waits.observe({ result: "admitted" }, (performance.now() - started) / 1000);
    } catch (error) {
      // a wait that ran out is counted at the limit (its timer fires a little after it)
      if (waited && error instanceof Overloaded) waits.observe({ result: error.reason }, Math.min((performance.now() - started) / 1000, error.reason === "waited_out" ? limitS : Infinity));
      outcomes.inc({ outcome: "shed" });
      throw error;
    }
    const slot = { ticket, admission };
    slots.set(c, slot);
    try {
      await next();
    } finally {
      slot.ticket.done();
    }
  };
}
