import { z } from "zod";

export class ConfigError extends Error {
  readonly code = "config_invalid";
}

/**
 * Parses the environment once, at start-up. A bad variable stops the process with a message that names
 * it. This is the only place in the project that reads `process.env`.
 */
export function loadConfig<T extends z.ZodType>(schema: T, env: Record<string, string | undefined> = process.env): z.output<T> {
  const result = schema.safeParse(env);
  const lines = result.success
    ? productionProblems(result.data)
    : result.error.issues.map((issue) => `  ${issue.path.join(".") || "(environment)"}: ${issue.message}`);
  if (lines.length === 0) return result.data as z.output<T>;
  throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
}

/**
 * The HS256 key that development and tests sign and verify bearer tokens with when AUTH_JWT_SECRET is
 * not set. It is public (it is in this file), so loadConfig refuses it when NODE_ENV=production.
 */
export const DEVELOPMENT_JWT_SECRET = "development-only-checkout-jwt-secret-never-use-in-production";

/**
 * Rules across variables, checked by loadConfig after the schema (kept out of the schema so that
 * `baseConfig.pick()` and `.extend()` keep working): production needs a real AUTH_JWT_SECRET.
 */
function productionProblems(parsed: unknown): string[] {
  const { NODE_ENV, AUTH_JWT_SECRET } = (parsed ?? {}) as { NODE_ENV?: unknown; AUTH_JWT_SECRET?: unknown };
  if (NODE_ENV === "production" && AUTH_JWT_SECRET === DEVELOPMENT_JWT_SECRET) {
    return ["  AUTH_JWT_SECRET: is required when NODE_ENV=production (the built-in development secret is refused); set it to a random secret of at least 32 characters"];
  }
  return [];
}

/** Like loadConfig, but prints the problem and exits: for a service's main.ts. */
export function loadConfigOrExit<T extends z.ZodType>(schema: T, env?: Record<string, string | undefined>): z.output<T> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(78); // EX_CONFIG
  }
}

/** The process environment, for the few entry points (CLI, dev runner) that pass it on explicitly. */
export const environment = (): Record<string, string | undefined> => process.env;

const bool = z.union([z.boolean(), z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1")]);
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const duration = (fallbackMs: number) => z.coerce.number().int().positive().default(fallbackMs);

/** Settings every service shares; each service extends this with its own. */
export const baseConfig = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HOST: z.string().default("127.0.0.1"),
  NATS_URL: z.string().default("nats://127.0.0.1:4222"),
  NATS_USER: z.string().optional(),
  NATS_PASSWORD: z.string().optional(),
  /** how many times a message is tried before it goes to the DLQ */
  MAX_DELIVERIES: z.coerce.number().int().min(1).max(100).default(5),
  /** transactions in flight per consumer (each handles a batch of messages) */
  CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** the most messages one consumer transaction handles */
  CONSUMER_BATCH: z.coerce.number().int().min(1).max(1000).default(100),
  /** how long a delivered message may stay unacknowledged before JetStream redelivers it */
  ACK_WAIT_MS: duration(30_000),
  /**
   * how long the inbox remembers a handled event (for recognising copies of it); at least the longest
   * stream retention (30 days, the DLQ), which the service checks at start-up
   */
  INBOX_RETENTION_MS: z.coerce
    .number()
    .int()
    .min(30 * 24 * 3600 * 1000, "must be at least 30 days (2592000000), the DLQ's retention")
    .default(31 * 24 * 3600 * 1000),
  /** connections of the service's PostgreSQL pool (each service also holds one more for LISTEN) */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(20),
  SHUTDOWN_GRACE_MS: duration(10_000),
  /**
   * HS256 key of the bearer tokens (JWT) the HTTP APIs accept; at least 32 characters. Unset, development
   * and tests use DEVELOPMENT_JWT_SECRET; production refuses to start without it.
   */
  AUTH_JWT_SECRET: z.string().min(32, "must be at least 32 characters").default(DEVELOPMENT_JWT_SECRET),
});

export const config = { bool, port, duration, z };
