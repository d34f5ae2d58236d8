import type { Context, MiddlewareHandler } from "hono";
import type { Redis } from "ioredis";
import { HttpError, type AppEnv } from "@checkout/http";
import type { Logger } from "@checkout/log";
import { luaCommand } from "../db/redis-script.ts";

// Fixed-window rate limits in Redis: one counter per client (`<prefix>ratelimit:<name>:<client>`) that
// lives one window from its first request. INCR and the expiry are one Lua script, so every instance of
// the service counts against the same window and no increment is lost between the two.

// KEYS[1] counter; ARGV: windowMs → {count, msUntilReset}
const HIT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

export class RateLimited extends HttpError {
  constructor(what: string, limit: number, windowSeconds: number, retryAfterSeconds: number, headers: Record<string, string>) {
    super(429, "rate_limited", `more than ${limit} requests in ${windowSeconds} s ${what}; retry in ${retryAfterSeconds} s`, undefined, {
      ...headers,
      "Retry-After": String(retryAfterSeconds),
    });
  }
}

/**
 * Counts the requests of the client `clientOf(c)` names and refuses (429, Retry-After and RateLimit-*
 * headers) the ones past `limit` per window; `limit` 0 turns it off. Every answer carries RateLimit-Limit,
 * -Remaining and -Reset (seconds) of the tightest limit the request went through. Redis unreachable: the
 * request goes through (a warning is logged), the carts it needs will answer for themselves.
 */
export function rateLimit({
  redis,
  prefix,
  name,
  what,
  limit,
  clientOf,
  log,
  windowSeconds = 60,
}: {
  redis: Redis;
  prefix: string;
  /** the counter family, e.g. "user" or "ip" */
  name: string;
  /** for the problem detail, e.g. "from this address" */
  what: string;
  limit: number;
  clientOf: (c: Context<AppEnv>) => string;
  log: Logger;
  windowSeconds?: number;
}): MiddlewareHandler<AppEnv> {
  const windowMs = String(windowSeconds * 1000);
  const hit = luaCommand<[number, number]>(redis, "rateLimitHit", HIT);
  return async function limitRate(c, next) {
    if (limit <= 0) return next();
    let count: number;
    let resetMs: number;
    try {
      [count, resetMs] = await hit(`${prefix}ratelimit:${name}:${clientOf(c)}`, windowMs);
    } catch (error) {
      log.warn({ err: (error as Error).message, limiter: name }, "rate limit not checked: Redis unavailable");
      return next();
    }
    const remaining = Math.max(limit - count, 0);
    const resetSeconds = Math.max(Math.ceil(resetMs / 1000), 1);
    const headers = {
      "RateLimit-Limit": String(limit),
      "RateLimit-Remaining": String(remaining),
      "RateLimit-Reset": String(resetSeconds),
      "RateLimit-Policy": `${limit};w=${windowSeconds}`,
    };
    if (count > limit) throw new RateLimited(what, limit, windowSeconds, resetSeconds, headers);
    await next();
    // an inner limiter may already have said less is left
    const already = c.res.headers.get("RateLimit-Remaining");
    if (already === null || Number(already) > remaining) for (const [header, value] of Object.entries(headers)) c.res.headers.set(header, value);
  };
}
