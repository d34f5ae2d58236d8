import { HttpError } from "@checkout/http";

/** Checkout is shed, not queued: the client is told when to come back. */
export class Overloaded extends HttpError {
  constructor(message: string, retryAfterSeconds: number) {
    super(503, "overloaded", message, undefined, { "Retry-After": String(retryAfterSeconds) });
  }
}

export interface AdmissionLimits {
  /** checkouts this instance works on at once; 0: no limit */
  maxInFlight: number;
  /** orders not yet COMPLETED or CANCELLED, across the system; 0: no limit */
  maxOpenOrders: number;
}

export interface Admission {
  /** a slot among `maxInFlight` (give it back with `done`), or throws Overloaded; costs nothing */
  enter(): { done(): void };
  /** throws Overloaded while `maxOpenOrders` or more orders are open */
  checkBacklog(): Promise<void>;
}

/**
 * Backpressure for POST /checkout. A new order is refused with 503 and Retry-After when this instance
 * already works on `maxInFlight` checkouts (checked first, before the token or the body are read, so that
 * shedding stays cheap when the process is busiest), or when the saga is behind: `maxOpenOrders` orders
 * are still open. The open count is read at most every `refreshMs` (one shared query, however many
 * requests wait on it), so under load the check costs nothing per request.
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
  let open: { count: number; at: number } | undefined;
  let reading: Promise<number> | undefined;

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
    enter() {
      if (limits.maxInFlight > 0 && inFlight >= limits.maxInFlight) {
        throw new Overloaded(`${inFlight} checkouts are in progress on this instance; try again shortly`, 1);
      }
      inFlight += 1;
      let released = false;
      return {
        done() {
          if (!released) inFlight -= 1;
          released = true;
        },
      };
    },
    async checkBacklog() {
      if (limits.maxOpenOrders === 0) return;
      const count = await openOrders();
      if (count >= limits.maxOpenOrders) throw new Overloaded(`${count} orders are still being processed; try again shortly`, 2);
    },
  };
}
