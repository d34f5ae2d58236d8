import { describe, expect, it } from "vitest";
import { cleanSystem, mail, order } from "../test-fixtures.ts";
import { checkMails } from "./mails.ts";

const run = (data: ReturnType<typeof cleanSystem>) => checkMails(data.mails, data.mailbox, data.orders, data.settleSeconds);

describe("check 5: each mail once", () => {
  it("passes when every finished order got its mails once", () => {
    expect(run(cleanSystem())).toMatchObject({ ok: true, checked: "3 outgoing mails, 3 mailbox deliveries" });
  });

  it("finds a mail delivered twice to the mailbox and recorded twice", () => {
    const data = cleanSystem();
    data.mailbox[0]!.count = 2;
    data.mails.push(mail(data.cancelled, "cancelled"));
    expect(run(data).violations).toEqual([
      `order ${data.cancelled.id}: 2 cancelled mails in outgoing_mail`,
      `order ${data.completed.id}: 2 confirmed mails delivered to the mailbox`,
    ]);
  });

  it("finds a missing, an unsent and a contradicting mail", () => {
    const data = cleanSystem();
    data.mails = [mail(data.completed, "confirmed", "failed"), mail(data.completed, "cancelled")];
    expect(run(data).violations).toEqual([
      `order ${data.completed.id} is COMPLETED but its confirmed mail is failed, not sent`,
      `order ${data.completed.id} is COMPLETED but no shipped mail was recorded`,
      `order ${data.completed.id} is COMPLETED but got a cancelled mail`,
      `order ${data.cancelled.id} is CANCELLED but no cancelled mail was recorded`,
    ]);
  });

  it("asks no mail of an order refused at checkout, and still finds one sent twice", () => {
    const data = cleanSystem();
    const refused = order({ status: "CANCELLED", neverPlaced: true });
    data.orders.push(refused);
    expect(run(data).ok).toBe(true);
    data.orders.push(order({ status: "CANCELLED" }));
    expect(run(data).violations).toEqual([`order ${data.orders.at(-1)!.id} is CANCELLED but no cancelled mail was recorded`]);
    data.orders.pop();
    data.mails.push(mail(refused, "cancelled"), mail(refused, "cancelled"));
    expect(run(data).violations).toEqual([`order ${refused.id}: 2 cancelled mails in outgoing_mail`]);
  });

  it("still asks a COMPLETED order its mails even without an OrderPlaced in its timeline (a hand-made row)", () => {
    const data = cleanSystem();
    const odd = order({ status: "COMPLETED", neverPlaced: true });
    data.orders.push(odd);
    expect(run(data).violations).toEqual([`order ${odd.id} is COMPLETED but no confirmed mail was recorded`, `order ${odd.id} is COMPLETED but no shipped mail was recorded`]);
  });

  it("gives an order that just finished time for its mails", () => {
    const data = cleanSystem();
    data.orders.push(order({ status: "COMPLETED", quietSeconds: 3 }));
    expect(run(data).ok).toBe(true);
    expect(checkMails(data.mails, data.mailbox, data.orders, 0).count).toBe(2);
  });
});
