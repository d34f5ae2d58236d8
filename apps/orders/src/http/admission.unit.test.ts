import { describe, expect, it } from "vitest";
import { createAdmission, Overloaded } from "./admission.ts";

const refusal = (work: () => unknown) =>
  Promise.resolve()
    .then(work)
    .then(() => undefined, (error: unknown) => error);

describe("checkout admission", () => {
  it("takes checkouts up to maxInFlight, sheds the next with Retry-After, and takes one again when a slot frees", async () => {
    const admission = createAdmission({ limits: { maxInFlight: 2, maxOpenOrders: 0 }, countOpenOrders: async () => 0 });
    const first = admission.enter();
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
      limits: { maxInFlight: 0, maxOpenOrders: 10 },
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
      limits: { maxInFlight: 0, maxOpenOrders: 5 },
      countOpenOrders: async () => {
        if (fail) throw new Error("database down");
        return 0;
      },
    });
    expect(await refusal(() => admission.checkBacklog())).toMatchObject({ message: "database down" });
    fail = false;
    await admission.checkBacklog();
  });
});
