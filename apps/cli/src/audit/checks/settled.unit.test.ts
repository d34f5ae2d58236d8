import { describe, expect, it } from "vitest";
import { order } from "../test-fixtures.ts";
import { checkSettled } from "./settled.ts";

describe("check 1: every order settles", () => {
  it("passes when every order is COMPLETED or CANCELLED", () => {
    const check = checkSettled([order(), order({ status: "CANCELLED" })], 60);
    expect(check).toMatchObject({ ok: true, count: 0, checked: "2 orders", violations: [] });
  });

  it("names the orders still PENDING, CONFIRMED or CANCELLING after the settle window, oldest first", () => {
    const stuck = order({ status: "CONFIRMED", ageSeconds: 120 });
    const older = order({ status: "CANCELLING", ageSeconds: 3_600 });
    const check = checkSettled([order(), stuck, older], 60);
    expect(check.ok).toBe(false);
    expect(check.count).toBe(2);
    expect(check.violations[0]).toBe(`order ${older.id} is still CANCELLING, placed 1h00m ago`);
    expect(check.violations[1]).toContain(`order ${stuck.id} is still CONFIRMED`);
  });

  it("leaves orders younger than the window in flight (a note, not a violation), and a window of 0 leaves none", () => {
    const young = order({ status: "PENDING", ageSeconds: 5 });
    expect(checkSettled([young], 60)).toMatchObject({ ok: true, notes: ["1 order placed less than 60s ago still in flight"] });
    expect(checkSettled([young], 0)).toMatchObject({ ok: false, count: 1 });
  });
});
