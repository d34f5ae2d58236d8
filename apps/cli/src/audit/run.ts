import type { CheckResult } from "./check.ts";
import { checkContracts } from "./checks/contracts.ts";
import { checkDeadLetters } from "./checks/dead-letters.ts";
import { checkHolds } from "./checks/holds.ts";
import { checkMails } from "./checks/mails.ts";
import { checkMoney } from "./checks/money.ts";
import { checkSettled } from "./checks/settled.ts";
import { checkShipments } from "./checks/shipments.ts";
import { checkStock } from "./checks/stock.ts";
import { figures, type Figures } from "./figures.ts";
import type { AuditData } from "./model.ts";

export interface AuditReport {
  ok: boolean;
  settleSeconds: number;
  /** where the data came from (credentials redacted) */
  sources: Record<string, string>;
  figures: Figures;
  checks: CheckResult[];
}

/** Every invariant of ARCHITECTURE §6 over the loaded data (pure). */
export function runChecks(data: AuditData): CheckResult[] {
  const { settleSeconds: settle } = data;
  return [
    checkSettled(data.orders, settle),
    checkStock(data.stock, data.reservations, data.orders, settle),
    checkHolds(data.holds, data.reservations, data.orders, settle),
    checkMoney(data.intents, data.orders, data.payments, settle),
    checkMails(data.mails, data.mailbox, data.orders, settle),
    checkContracts(data.streams),
    checkDeadLetters(data.deadLetters),
    checkShipments(data.shipments, data.orders, settle),
  ];
}

export function audit(data: AuditData, sources: Record<string, string>): AuditReport {
  const checks = runChecks(data);
  return { ok: checks.every((check) => check.ok), settleSeconds: data.settleSeconds, sources, figures: figures(data), checks };
}
