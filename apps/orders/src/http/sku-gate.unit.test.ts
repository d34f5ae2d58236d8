import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { Overloaded } from "./admission.ts";
import { createSkuGate, type GatePass } from "./sku-gate.ts";

const settled = () => new Promise((resolve) => setImmediate(resolve));
const limits = { maxPerSku: 2, maxWaiting: 10, maxWaitMs: 5_000 };

/** a gate whose sold-out board is the set `soldOut` */
const gateWith = (options: Partial<Parameters<typeof createSkuGate>[0]> = {}, soldOut = new Set<string>()) =>
  createSkuGate({ ...limits, soldOut: (skus) => skus.filter((sku) => soldOut.has(sku)), ...options });

/** a pass taken at once (throws if the gate made it wait) */
const now = (entered: GatePass | Promise<GatePass>) => {
  if (entered instanceof Promise) throw new Error("the checkout had to wait");
  return entered;
};

/** a pass taken at once, and its order written */
const place = (entered: GatePass | Promise<GatePass>, orderId: string) => {
  const pass = now(entered);
  pass.placing(orderId);
  pass.placed();
  return pass;
};

/** a waiting checkout: whether and how it has gone on so far */
function waiting(entered: GatePass | Promise<GatePass>) {
  expect(entered).toBeInstanceOf(Promise);
  const state: { pass?: GatePass; error?: unknown } = {};
  (entered as Promise<GatePass>).then((pass) => (state.pass = pass), (error: unknown) => (state.error = error));
  return state;
}

describe("the hot-SKU gate", () => {
  it("lets maxPerSku orders of a SKU through; the next waits until inventory decides one of the placed orders, first come first served", async () => {
    const gate = gateWith();
    place(gate.enter(["MUG"]), "o1");
    place(gate.enter(["MUG"]), "o2");
    expect(gate.taken("MUG")).toBe(2);

    const first = waiting(gate.enter(["MUG"]));
    const second = waiting(gate.enter(["MUG"]));
    now(gate.enter(["CAP"])); // another SKU does not wait
    expect(gate.waiting()).toBe(2);

    gate.decided("someone-elses-order"); // not ours: nothing moves
    await settled();
    expect(first.pass).toBeUndefined();

    gate.decided("o1");
    await settled();
    expect(first.pass).toBeDefined();
    expect(second.pass).toBeUndefined();
    expect(gate.taken("MUG")).toBe(2); // o2 and the first waiter

    gate.decided("o1"); // heard twice (two subscriptions, a redelivery): counted once
    await settled();
    expect(second.pass).toBeUndefined();

    first.pass!.done(); // refused or failed after all: its place goes to the next
    await settled();
    expect(second.pass).toBeDefined();
    expect(gate.waiting()).toBe(0);
  });

  it("does not let a newcomer take a place that a checkout waiting for the same SKU is owed", async () => {
    const gate = gateWith({ maxPerSku: 1 });
    place(gate.enter(["MUG"]), "o1");
    const first = waiting(gate.enter(["MUG"]));
    gate.decided("o1"); // the place is free until the waiting checkout is let through, a turn later
    const newcomer = waiting(gate.enter(["MUG"]));
    now(gate.enter(["CAP"])); // nobody waits for that one
    await settled();
    expect(first.pass).toBeDefined();
    expect(newcomer.pass).toBeUndefined();
  });

  it("keeps a placed order's place until its decision, and gives a pass's place back once however often it is done", async () => {
    const gate = gateWith({ maxPerSku: 1 });
    const pass = place(gate.enter(["MUG"]), "o1");
    pass.done(); // the checkout's finally: the place now belongs to the order
    pass.placing("o9"); // and a pass names one order only
    expect(gate.taken("MUG")).toBe(1);
    const next = waiting(gate.enter(["MUG"]));
    gate.decided("o9");
    await settled();
    expect(next.pass).toBeUndefined();
    gate.decided("o1");
    await settled();
    next.pass!.done();
    next.pass!.done();
    expect(gate.taken("MUG")).toBe(0);
  });

  it("counts a decision heard before the order's insert answered, and gives a place back once however the checkout ends", () => {
    const gate = gateWith();
    place(gate.enter(["MUG"]), "other"); // holds a place all along
    const early = now(gate.enter(["MUG"]));
    early.placing("o1");
    gate.decided("o1"); // another instance's relay published it, inventory decided, before our insert's answer
    expect(gate.taken("MUG")).toBe(1);
    early.placed();
    early.done();
    expect(gate.taken("MUG")).toBe(1);

    const lostAnswer = now(gate.enter(["MUG"]));
    lostAnswer.placing("o2");
    gate.decided("o2");
    lostAnswer.done(); // committed and decided, but the insert's answer never came (the connection dropped)
    expect(gate.taken("MUG")).toBe(1);

    const failed = now(gate.enter(["MUG"]));
    failed.placing("o3");
    failed.done(); // the insert threw, or answered with an order placed before under the same key
    expect(gate.taken("MUG")).toBe(1);
    gate.decided("o3");
    expect(gate.taken("MUG")).toBe(1);
  });

  it("waits for room on every SKU of the order", async () => {
    const gate = gateWith({ maxPerSku: 1 });
    place(gate.enter(["MUG"]), "o1");
    place(gate.enter(["CAP"]), "o2");
    const both = waiting(gate.enter(["MUG", "CAP"]));
    gate.decided("o1");
    await settled();
    expect(both.pass).toBeUndefined();
    gate.decided("o2");
    await settled();
    expect(both.pass).toBeDefined();
    expect([gate.taken("MUG"), gate.taken("CAP")]).toEqual([1, 1]);
  });

  it("keeps a checkout of several SKUs ahead of later checkouts of any of them", async () => {
    const gate = gateWith({ maxPerSku: 1 });
    place(gate.enter(["MUG"]), "o1");
    place(gate.enter(["CAP"]), "o2");
    const both = waiting(gate.enter(["MUG", "CAP"]));
    const mugOnly = waiting(gate.enter(["MUG"]));
    gate.decided("o1"); // MUG has room, but the first in line also waits for CAP
    await settled();
    expect(both.pass).toBeUndefined();
    expect(mugOnly.pass).toBeUndefined();
    gate.decided("o2");
    await settled();
    expect(both.pass).toBeDefined();
    expect(mugOnly.pass).toBeUndefined();
  });

  it("forgets every undecided order when decisions may have been missed (NATS reconnected)", async () => {
    const gate = gateWith({ maxPerSku: 1 });
    place(gate.enter(["MUG"]), "o1");
    const next = waiting(gate.enter(["MUG"]));
    gate.missedDecisions();
    await settled();
    expect(next.pass).toBeDefined();
    gate.decided("o1"); // heard after all: nothing given back twice
    expect(gate.taken("MUG")).toBe(1);
  });

  it("lets the checkouts waiting for a SKU that sold out go on at once, holding no place, when woken", async () => {
    const soldOut = new Set<string>();
    const gate = gateWith({ maxPerSku: 1 }, soldOut);
    place(gate.enter(["MUG"]), "o1");
    const mug = waiting(gate.enter(["MUG"]));
    const mugAndCap = waiting(gate.enter(["CAP", "MUG"]));
    soldOut.add("MUG");
    gate.wake();
    await settled();
    expect(mug.pass).toBeDefined();
    expect(mugAndCap.pass).toBeDefined();
    mug.pass!.placing("never-counted");
    mug.pass!.placed();
    expect([gate.taken("MUG"), gate.taken("CAP")]).toEqual([1, 0]);
  });

  it("answers sku_busy when maxWaiting checkouts already wait, and after maxWaitMs; gone when the client hangs up; none of them keeps a place", async () => {
    const gate = gateWith({ maxPerSku: 1, maxWaiting: 2, maxWaitMs: 50 });
    place(gate.enter(["MUG"]), "o1");
    const timedOut = waiting(gate.enter(["MUG"]));
    const connection = new EventEmitter();
    const hungUp = waiting(gate.enter(["MUG"], { connection }));
    expect(() => gate.enter(["MUG"])).toThrow(Overloaded);
    try {
      gate.enter(["MUG"]);
    } catch (error) {
      expect((error as Overloaded).problemMembers()).toEqual({ reason: "sku_busy" });
      expect((error as Overloaded).message).toContain("MUG");
    }

    connection.emit("close");
    await settled();
    expect((hungUp.error as Overloaded).problemMembers()).toEqual({ reason: "gone" });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect((timedOut.error as Overloaded).problemMembers()).toEqual({ reason: "sku_busy" });
    expect(gate.waiting()).toBe(0);
    expect(connection.listenerCount("close")).toBe(0);

    gate.decided("o1");
    expect(gate.taken("MUG")).toBe(0);
    now(gate.enter(["MUG"]));
  });

  it("tells the checkout when it starts to wait, and only then", () => {
    const gate = gateWith({ maxPerSku: 1 });
    let waited = 0;
    place(gate.enter(["MUG"], { onWait: () => (waited += 1) }), "o1");
    expect(waited).toBe(0);
    waiting(gate.enter(["MUG"], { onWait: () => (waited += 1) }));
    expect(waited).toBe(1);
  });

  it("forgets an order inventory's decision never came for after forgetAfterMs, and lets the next checkout through", async () => {
    const gate = gateWith({ maxPerSku: 1, forgetAfterMs: 200 });
    place(gate.enter(["MUG"]), "lost");
    const next = waiting(gate.enter(["MUG"]));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(next.pass).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 250)); // the sweep looks every 100 ms here
    expect(next.pass).toBeDefined();
  });

  it("with maxPerSku 0 never makes a checkout wait and counts nothing", () => {
    const gate = gateWith({ maxPerSku: 0 });
    for (let i = 0; i < 5; i++) place(gate.enter(["MUG"]), `o${i}`);
    expect(gate.taken("MUG")).toBe(0);
  });
});
