import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAdmission, Overloaded, type AdmissionLimits, type Ticket } from "./admission.ts";

const limited = (limits: Partial<AdmissionLimits>) =>
  createAdmission({ limits: { maxInFlight: 0, maxWaiting: 0, maxWaitMs: 0, maxOpenOrders: 0, ...limits }, countOpenOrders: async () => 0 });

/** What `work` threw or rejected with (undefined if it succeeded); `work` is called at once */
const refusal = (work: () => unknown): Promise<unknown> => {
  try {
    return Promise.resolve(work()).then(() => undefined, (error: unknown) => error);
  } catch (error) {
    return Promise.resolve(error);
  }
};

describe("checkout admission", () => {
  afterEach(() => vi.useRealTimers());

  it("without a queue, takes checkouts up to maxInFlight, sheds the next with Retry-After, and takes one again when a slot frees", async () => {
    const admission = limited({ maxInFlight: 2 });
    const first = admission.enter() as Ticket;
    admission.enter();
    const shed = await refusal(() => admission.enter());
    expect(shed).toBeInstanceOf(Overloaded);
    expect(shed).toMatchObject({ status: 503, code: "overloaded", headers: { "Retry-After": "1" } });
    first.done();
    first.done(); // a ticket gives its slot back once
    admission.enter();
    expect(await refusal(() => admission.enter())).toBeInstanceOf(Overloaded);
  });

  it("sheds while the open orders reach maxOpenOrders, reading the count at most once per refresh", async () => {
    let now = 0;
    let open = 10;
    let reads = 0;
    const admission = createAdmission({
      limits: { maxInFlight: 0, maxWaiting: 0, maxWaitMs: 0, maxOpenOrders: 10 },
      countOpenOrders: async () => (reads++, open),
      refreshMs: 500,
      clock: () => now,
    });
    const shed = await Promise.all(Array.from({ length: 5 }, () => refusal(() => admission.checkBacklog())));
    expect(shed.every((error) => error instanceof Overloaded && error.headers["Retry-After"] === "2")).toBe(true);
    expect(reads).toBe(1);

    open = 9;
    now = 499;
    expect(await refusal(() => admission.checkBacklog())).toBeInstanceOf(Overloaded); // the count read at 0 still holds
    now = 500;
    await admission.checkBacklog();
    expect(reads).toBe(2);
  });

  it("a failed count refuses the checkout with the error, and the next check reads again", async () => {
    let fail = true;
    const admission = createAdmission({
      limits: { maxInFlight: 0, maxWaiting: 0, maxWaitMs: 0, maxOpenOrders: 5 },
      countOpenOrders: async () => {
        if (fail) throw new Error("database down");
        return 0;
      },
    });
    expect(await refusal(() => admission.checkBacklog())).toMatchObject({ message: "database down" });
    fail = false;
    await admission.checkBacklog();
  });

  it("beyond maxInFlight, checkouts wait and each freed slot goes to the one that came first", async () => {
    const admission = limited({ maxInFlight: 2, maxWaiting: 3, maxWaitMs: 60_000 });
    const running = [admission.enter() as Ticket, admission.enter() as Ticket];
    const admitted: number[] = [];
    const waits = [0, 1, 2].map((n) => Promise.resolve(admission.enter()).then((ticket) => (admitted.push(n), ticket)));
    expect(admission.waiting()).toBe(3);
    expect(await refusal(() => admission.enter())).toMatchObject({ status: 503, reason: "queue_full", headers: { "Retry-After": "1" } });

    running[1]!.done();
    running[1]!.done(); // once only: one slot, one waiter
    const first = await waits[0]!;
    await Promise.resolve();
    expect(admitted).toEqual([0]);
    running[0]!.done();
    first.done();
    const [, second, third] = await Promise.all(waits);
    expect(admitted).toEqual([0, 1, 2]);
    expect(admission.waiting()).toBe(0);

    // the slots were handed on, never added: both are taken, by the last two waiters
    const queued = admission.enter();
    expect(queued).toBeInstanceOf(Promise);
    second!.done();
    third!.done();
    (await queued).done();
    expect(admission.enter()).not.toBeInstanceOf(Promise);
  });

  it("a checkout that gave its slot up to wait elsewhere takes the next free one before the queue, and is never refused for a full queue", async () => {
    const admission = limited({ maxInFlight: 1, maxWaiting: 1, maxWaitMs: 60_000 });
    const aside = admission.enter() as Ticket;
    aside.done(); // steps aside (the hot-SKU gate)
    const running = admission.enter() as Ticket;
    const admitted: string[] = [];
    const queued = Promise.resolve(admission.enter()).then((ticket) => (admitted.push("queued"), ticket));
    const back = Promise.resolve(admission.reenter()).then((ticket) => (admitted.push("back"), ticket)); // the queue is full
    running.done();
    (await back).done();
    (await queued).done();
    expect(admitted).toEqual(["back", "queued"]);
    expect(admission.reenter()).not.toBeInstanceOf(Promise); // a free slot at once
  });

  it("a checkout that waited maxWaitMs is answered 503 and leaves its place; the next freed slot goes to one still waiting", async () => {
    vi.useFakeTimers();
    const admission = limited({ maxInFlight: 1, maxWaiting: 5, maxWaitMs: 2_000 });
    const running = admission.enter() as Ticket;
    const early = refusal(() => admission.enter());
    vi.advanceTimersByTime(1_000);
    const late = Promise.resolve(admission.enter());
    vi.advanceTimersByTime(1_000);
    expect(await early).toMatchObject({ status: 503, code: "overloaded", reason: "waited_out", headers: { "Retry-After": "1" } });
    expect(admission.waiting()).toBe(1);
    running.done();
    expect(admission.waiting()).toBe(0);
    (await late).done();
    expect(admission.enter()).not.toBeInstanceOf(Promise); // the slot came back
  });

  it("a checkout whose client goes away while it waits leaves the queue and is never run", async () => {
    const admission = limited({ maxInFlight: 1, maxWaiting: 5, maxWaitMs: 60_000 });
    const running = admission.enter() as Ticket;
    const connection = new EventEmitter();
    const abandoned = refusal(() => admission.enter(connection));
    const stays = new EventEmitter();
    const next = Promise.resolve(admission.enter(stays));
    connection.emit("close");
    expect(await abandoned).toMatchObject({ status: 503, reason: "gone" });
    expect(admission.waiting()).toBe(1);
    running.done();
    await next;
    expect(stays.listenerCount("close")).toBe(0); // no listener left behind on a served connection
    expect(connection.listenerCount("close")).toBe(0);
  });

  it.each([
    { maxWaiting: 0, maxWaitMs: 2_000 },
    { maxWaiting: 10, maxWaitMs: 0 },
  ])("maxWaiting $maxWaiting, maxWaitMs $maxWaitMs: sheds at once, as before the queue", async (queue) => {
    const admission = limited({ maxInFlight: 1, ...queue });
    admission.enter();
    expect(await refusal(() => admission.enter())).toMatchObject({ status: 503, reason: "queue_full" });
    expect(admission.waiting()).toBe(0);
  });
});
