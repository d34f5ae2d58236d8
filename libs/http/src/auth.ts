import type { Context, MiddlewareHandler } from "hono";
import { createHmac, timingSafeEqual } from "node:crypto";
import { sign } from "hono/jwt";
import { z } from "zod";
import { HttpError } from "./errors.ts";

// Bearer tokens: HS256 JWTs with `sub` (the user id), `role`, `iat` and `exp`, signed with
// AUTH_JWT_SECRET (libs/config). hono/jwt signs them. They are verified here with node:crypto (HMAC on
// every request: WebCrypto's promise and key plumbing cost more than the hash, see docs/benchmarks.md):
// the header must say HS256, the signature must be the exact base64url of the HMAC, and the claims and
// times are checked, so a token without `exp` or with an unknown role is refused too.

export const Role = z.enum(["shopper", "admin"]);
export type Role = z.infer<typeof Role>;

/** The claims every token carries. */
export const Claims = z.object({
  sub: z
    .string()
    .min(1, "must not be empty")
    .max(128, "must be at most 128 characters")
    .regex(/^[\x21-\x7E]+$/, "must be visible ASCII characters (no spaces, control characters or other Unicode)"),
  role: Role,
  iat: z.number().int(),
  exp: z.number().int(),
});
export type Claims = z.infer<typeof Claims>;

/** Who sent the request, from a verified token. */
export interface AuthUser {
  id: string;
  role: Role;
}

const ALG = "HS256";
/** clocks of the signer and the verifier may differ by this much */
const CLOCK_SKEW_SECONDS = 60;

const challenge = (error?: "invalid_request" | "invalid_token" | "insufficient_scope", description?: string) =>
  ["Bearer realm=\"checkout\"", ...(error ? [`error="${error}"`, `error_description="${description ?? ""}"`] : [])].join(", ");

/** 401: no usable bearer token. Names the Authorization header and carries the WWW-Authenticate challenge. */
export class Unauthorized extends HttpError {
  constructor(message: string, error?: "invalid_request" | "invalid_token") {
    super(401, "unauthorized", message, [{ field: "Authorization", message }], { "WWW-Authenticate": challenge(error, message) });
  }
}

/** 403: a valid token whose role may not do this. */
export class Forbidden extends HttpError {
  constructor(role: Role) {
    const message = `this needs the ${role} role`;
    super(403, "forbidden", message, [{ field: "Authorization", message }], { "WWW-Authenticate": challenge("insufficient_scope", message) });
  }
}

/** A signed token for `sub` with `role`, valid for `ttlSeconds` from `now`. */
export async function signToken(
  { sub, role = "shopper", ttlSeconds = 3600, now = new Date() }: { sub: string; role?: Role; ttlSeconds?: number; now?: Date },
  secret: string,
): Promise<string> {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new Error(`ttlSeconds must be a positive integer, got ${ttlSeconds}`);
  const iat = Math.floor(now.getTime() / 1000);
  const claims = Claims.parse({ sub, role, iat, exp: iat + ttlSeconds });
  return sign(claims, secret, ALG);
}

/** The user of a token; an Unauthorized error (naming why) when the token is forged, expired or malformed. */
export async function verifyToken(token: string, secret: string, now = new Date()): Promise<AuthUser> {
  const payload = verifiedPayload(token, secret);
  if (payload === undefined) throw new Unauthorized("the bearer token is invalid", "invalid_token");
  const claims = Claims.safeParse(payload);
  if (!claims.success) throw new Unauthorized(`the bearer token lacks valid claims (${claims.error.issues.map((i) => i.path.join(".")).join(", ")})`, "invalid_token");
  const seconds = Math.floor(now.getTime() / 1000);
  if (claims.data.exp <= seconds) throw new Unauthorized("the bearer token has expired", "invalid_token");
  if (claims.data.iat > seconds + CLOCK_SKEW_SECONDS) throw new Unauthorized("the bearer token was issued in the future", "invalid_token");
  return { id: claims.data.sub, role: claims.data.role };
}

const decodeJson = (part: string): unknown => {
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
};

/**
 * The payload of a compact JWS whose header says HS256 (no "none", no algorithm confusion) and whose
 * signature is the base64url HMAC-SHA256 of `header.payload` with `secret`, character for character
 * (base64url decoding is lenient; comparing the encoded form is not); undefined otherwise.
 */
function verifiedPayload(token: string, secret: string): unknown {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  const head = decodeJson(header) as { alg?: unknown } | undefined;
  if (head?.alg !== ALG) return undefined;
  const expected = Buffer.from(createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url"));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return decodeJson(payload);
}

/** The token of an `Authorization: Bearer <token>` header value. */
export function bearerToken(header: string | undefined): string {
  if (header === undefined || header.trim() === "") throw new Unauthorized("send the Authorization header: Authorization: Bearer <token>", "invalid_request");
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header);
  if (!match) throw new Unauthorized("the Authorization header must be \"Bearer <token>\"", "invalid_request");
  return match[1]!;
}

/** Authenticates the request (401 otherwise) and puts the user in the context: `currentUser(c)`. */
export function requireUser({ secret }: { secret: string }): MiddlewareHandler {
  return async function authenticate(c, next) {
    c.set("user", await verifyToken(bearerToken(c.req.header("authorization")), secret));
    await next();
  };
}

/** After requireUser: 403 unless the user has `role`. */
export function requireRole(role: Role): MiddlewareHandler {
  return async function authorize(c, next) {
    const user = c.get("user") as AuthUser | undefined;
    if (!user) throw new Unauthorized("send the Authorization header: Authorization: Bearer <token>", "invalid_request");
    if (user.role !== role) throw new Forbidden(role);
    await next();
  };
}

/** The authenticated user of a route behind requireUser. */
export function currentUser(c: Context): AuthUser {
  const user = c.get("user") as AuthUser | undefined;
  if (!user) throw new Unauthorized("send the Authorization header: Authorization: Bearer <token>", "invalid_request");
  return user;
}
