import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEVELOPMENT_JWT_SECRET, environment } from "@checkout/config";
import { verifyToken } from "@checkout/http";

// `checkout token`, the real binary as a child process, with the environment it is given.

const BIN = fileURLToPath(new URL("../bin/checkout.js", import.meta.url));
const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const SECRET = "cli-test-secret-of-at-least-32-characters";

function checkout(args: string[], env: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> {
  const { AUTH_JWT_SECRET: _secret, NODE_ENV: _env, ...inherited } = environment();
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: REPO, env: { ...inherited, ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 99) : 0, stdout, stderr });
    });
  });
}

describe("checkout token", () => {
  it("prints a token the services accept, signed with AUTH_JWT_SECRET", async () => {
    const { code, stdout, stderr } = await checkout(["token", "--user", "alice"], { AUTH_JWT_SECRET: SECRET });
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(await verifyToken(stdout.trim(), SECRET)).toEqual({ id: "alice", role: "shopper" });
    await expect(verifyToken(stdout.trim(), DEVELOPMENT_JWT_SECRET)).rejects.toMatchObject({ status: 401 });
  });

  it("signs an admin token with a TTL, and says so with --json", async () => {
    const { code, stdout } = await checkout(["token", "--user", "ops", "--role", "admin", "--ttl", "120", "--json"], { AUTH_JWT_SECRET: SECRET });
    expect(code).toBe(0);
    const printed = JSON.parse(stdout) as { token: string; sub: string; role: string; expiresAt: string };
    expect(printed).toMatchObject({ sub: "ops", role: "admin" });
    expect(Date.parse(printed.expiresAt) - Date.now()).toBeGreaterThan(100_000);
    expect(Date.parse(printed.expiresAt) - Date.now()).toBeLessThanOrEqual(120_000);
    expect(await verifyToken(printed.token, SECRET)).toEqual({ id: "ops", role: "admin" });
  });

  it("uses the services' development secret when AUTH_JWT_SECRET is unset outside production", async () => {
    const { code, stdout } = await checkout(["token", "--user", "alice"], {});
    expect(code).toBe(0);
    expect(await verifyToken(stdout.trim(), DEVELOPMENT_JWT_SECRET)).toEqual({ id: "alice", role: "shopper" });
  });

  it("refuses to sign in production without a secret, naming AUTH_JWT_SECRET (exit 2)", async () => {
    const { code, stdout, stderr } = await checkout(["token", "--user", "alice"], { NODE_ENV: "production" });
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/AUTH_JWT_SECRET/);
  });

  it.each([
    [["token"], /--user/],
    [["token", "--user", "x".repeat(129)], /--user must be at most 128 characters/],
    [["token", "--user", "alice", "--role", "root"], /--role must be shopper or admin/],
    [["token", "--user", "alice", "--ttl", "0"], /--ttl/],
    [["token", "--user", "alice", "--ttl", "1h"], /--ttl/],
  ])("refuses %j with a usage error (exit 2)", async (args, message) => {
    const { code, stdout, stderr } = await checkout(args, { AUTH_JWT_SECRET: SECRET });
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
  });
});
