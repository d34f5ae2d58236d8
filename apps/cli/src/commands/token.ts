import type { Command } from "commander";
import { baseConfig, ConfigError, environment, loadConfig } from "@checkout/config";
import { Claims, Role, signToken } from "@checkout/http";
import { CliError, EXIT, usageError } from "../errors.ts";
import type { GlobalOptions } from "../session.ts";

/** What `token` reads from the environment: the services' AUTH_JWT_SECRET, with the same development default. */
const TokenConfig = baseConfig.pick({ NODE_ENV: true, AUTH_JWT_SECRET: true });

const MAX_TTL_SECONDS = 30 * 24 * 3600;

/**
 * `checkout token --user <id> [--role admin] [--ttl 3600]`: prints a bearer token for the HTTP APIs,
 * signed (HS256) with AUTH_JWT_SECRET, e.g. `TOKEN=$(npx checkout token --user alice)`.
 */
export function tokenCommand(program: Command): void {
  program
    .command("token")
    .description("print a bearer token (HS256 JWT signed with AUTH_JWT_SECRET) for the HTTP APIs")
    .requiredOption("-u, --user <id>", "the user id (the sub claim), 1 to 128 characters")
    .option("-r, --role <role>", "shopper or admin", "shopper")
    .option("-t, --ttl <seconds>", `lifetime in seconds (at most ${MAX_TTL_SECONDS})`, "3600")
    .addHelpText("after", "\nEnvironment: AUTH_JWT_SECRET (unset: the development secret the services use outside production).")
    .action(async function token(options: { user: string; role: string; ttl: string }, command: Command) {
      const { json } = command.optsWithGlobals<GlobalOptions>();
      const sub = Claims.shape.sub.safeParse(options.user);
      if (!sub.success) throw usageError(`--user ${sub.error.issues[0]!.message}`);
      const role = Role.safeParse(options.role);
      if (!role.success) throw usageError(`--role must be shopper or admin, got "${options.role}"`);
      const ttlSeconds = Number(options.ttl);
      if (!/^\d+$/.test(options.ttl) || ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) throw usageError(`--ttl must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS}, got "${options.ttl}"`);

      let secret: string;
      try {
        secret = loadConfig(TokenConfig, environment()).AUTH_JWT_SECRET;
      } catch (error) {
        if (error instanceof ConfigError) throw new CliError(error.message, EXIT.usage, "usage");
        throw error;
      }
      const now = new Date();
      const signed = await signToken({ sub: sub.data, role: role.data, ttlSeconds, now }, secret);
      const expiresAt = new Date(now.getTime() + ttlSeconds * 1000).toISOString();
      process.stdout.write(json ? `${JSON.stringify({ token: signed, sub: sub.data, role: role.data, expiresAt })}\n` : `${signed}\n`);
    });
}
