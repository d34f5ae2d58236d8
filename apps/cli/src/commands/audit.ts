import { Option, type Command } from "commander";
import { CliError, EXIT } from "../errors.ts";
import { withSession, type GlobalOptions } from "../session.ts";
import { auditConfig, type AuditFlags } from "../audit/config.ts";
import { auditSources, loadAuditData } from "../audit/load/index.ts";
import { renderAudit } from "../audit/render.ts";
import { audit } from "../audit/run.ts";

const databaseOption = (service: string, variable: string) =>
  new Option(`--${service}-db <url>`, `the ${service} service's PostgreSQL database (${variable}; default postgres://postgres@127.0.0.1:5432/checkout_${service})`);

/**
 * `checkout audit`: every invariant of ARCHITECTURE §6 checked against the live system (the five
 * databases, JetStream, the payment provider), each printed with ✓/✗ and its count. Exit 1 on any
 * violation.
 */
export function auditCommand(program: Command): void {
  program
    .command("audit")
    .description("check the invariants of the saga against the live system: settled orders, stock, holds, money, mails, contracts, DLQ, shipments")
    .addOption(databaseOption("orders", "ORDERS_DATABASE_URL"))
    .addOption(databaseOption("inventory", "INVENTORY_DATABASE_URL"))
    .addOption(databaseOption("payments", "PAYMENTS_DATABASE_URL"))
    .addOption(databaseOption("shipping", "SHIPPING_DATABASE_URL"))
    .addOption(databaseOption("notifications", "NOTIFICATIONS_DATABASE_URL"))
    .addOption(new Option("--stripe-url <url>", "stripe-sim, whose GET /_sim/payment_intents the money checks read (STRIPE_SIM_URL; default http://127.0.0.1:12111)"))
    .addOption(new Option("--settle-seconds <n>", "orders not COMPLETED/CANCELLED this long after being placed are violations; newer ones are in flight (AUDIT_SETTLE_SECONDS; default 60)"))
    .addHelpText("after", "\nExit codes: 0 every check passed, 1 at least one violation, 2 usage error or a source unreachable.")
    .action(async function runAudit(options: AuditFlags, command: Command) {
      const global = command.optsWithGlobals<GlobalOptions>();
      const config = auditConfig(options);
      const report = await withSession(global, async (session) => audit(await loadAuditData(session, config), auditSources(session.server, config)));
      process.stdout.write(global.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderAudit(report)}\n`);
      const failed = report.checks.filter((check) => !check.ok);
      if (failed.length > 0) {
        const names = failed.map((check) => `${check.name} (${check.count})`).join(", ");
        throw new CliError(`${failed.length} of ${report.checks.length} checks failed: ${names}`, EXIT.notFound, "violations");
      }
    });
}
