// Secret-key authentication as Stripe does it: `Authorization: Bearer sk_...` (or Basic with the key
// as user name). The key scopes idempotency; any sk_ key is accepted.
import type { MiddlewareHandler } from "hono";
import { authenticationRequired } from "./errors.ts";
import type { SimEnv } from "./http.ts";

export function apiKeyFrom(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const [scheme = "", credentials = ""] = authorization.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === "bearer") return credentials;
  if (scheme.toLowerCase() === "basic") return Buffer.from(credentials, "base64").toString("utf8").split(":")[0];
  return undefined;
}

export function requireApiKey(): MiddlewareHandler<SimEnv> {
  return async function requireApiKeyMiddleware(c, next) {
    const key = apiKeyFrom(c.req.header("Authorization"));
    if (!key) {
      throw authenticationRequired(
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      );
    }
    if (!/^sk_(test|live)_\w+$/.test(key)) {
      throw authenticationRequired(`Invalid API Key provided: ${key.slice(0, 8)}${"*".repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`);
    }
    c.set("apiKey", key);
    await next();
  };
}
