import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { builtinAudit, type AuditContext } from "./builtin-audit.ts";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const CLI = "apps/cli/bin/checkout.js";

export interface AuditCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface AuditResult {
  /** which audit ran: the reference `checkout audit`, or the bench's own subset while that does not exist */
  source: "checkout audit" | "bench builtin" | "not run";
  /** null: not run */
  ok: boolean | null;
  checks: AuditCheck[];
  note?: string;
  /** `checkout audit --json` output as it came, and its exit code */
  report?: unknown;
  exitCode?: number;
  seconds: number;
}

function runCli(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Whether the `checkout` CLI has its `audit` command yet (another engineer is adding it). */
export async function cliHasAudit(): Promise<boolean> {
  const { code, stdout } = await runCli(["audit", "--help"], 30_000);
  return code === 0 && /audit/i.test(stdout);
}

/**
 * ─── AUDIT HOOK ───────────────────────────────────────────────────────────────────────────────────
 * The invariants of ARCHITECTURE §6 belong to `checkout audit` (apps/cli). When the command exists, the
 * bench runs it against the run's nats-server, databases and stripe-sim and records its JSON and exit
 * code. Until then it runs builtin-audit.ts, a subset written for the bench, and says so in the result.
 * ──────────────────────────────────────────────────────────────────────────────────────────────────
 */
export async function runAudit(context: AuditContext): Promise<AuditResult> {
  const started = performance.now();
  const seconds = () => Math.round((performance.now() - started) / 100) / 10;
  if (await cliHasAudit()) {
    const { urls } = context;
    const { code, stdout, stderr } = await runCli(
      // --settle-seconds 0: the run is quiet, so an order not finished is a violation, not "in flight"
      ["audit", "--json", "--server", urls.nats, "--orders-db", urls.orders, "--inventory-db", urls.inventory, "--payments-db", urls.payments, "--shipping-db", urls.shipping, "--notifications-db", urls.notifications, "--stripe-url", urls.stripe, "--settle-seconds", "0"],
      600_000,
    );
    let report: unknown;
    try {
      report = JSON.parse(stdout);
    } catch {
      report = { stdout: stdout.slice(0, 4_000), stderr: stderr.slice(0, 4_000) };
    }
    const listed = (report as { checks?: Array<{ name: string; title?: string; ok: boolean; count: number; checked?: string; violations?: string[] }> }).checks ?? [];
    const checks = listed.map((c) => ({
      name: c.title ?? c.name,
      ok: c.ok,
      detail: c.ok ? (c.checked ?? "") : `${c.count} violation(s), e.g. ${(c.violations ?? []).slice(0, 3).join("; ")}`,
    }));
    if (code !== 0 && code !== 1) checks.push({ name: "checkout audit ran", ok: false, detail: `exit ${code}: ${stderr.trim().slice(0, 300)}` });
    return { source: "checkout audit", ok: code === 0, checks, report, exitCode: code ?? -1, seconds: seconds() };
  }
  const checks = await builtinAudit(context);
  return {
    source: "bench builtin",
    ok: checks.every((check) => check.ok),
    checks,
    note: "`checkout audit` is not in apps/cli yet: these are the bench's own checks of ARCHITECTURE §6 (see verify/builtin-audit.ts)",
    seconds: seconds(),
  };
}
