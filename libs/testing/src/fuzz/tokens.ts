import fc from "fast-check";
import { sign } from "hono/jwt";
import { TEST_JWT_SECRET } from "../auth.ts";
import { headerValue, hostileText, oddString, oddValue } from "./inputs.ts";

// Authorization headers: garbage that must authenticate nobody, and tokens signed with the right key
// whose claims are anything.

const base64url = fc.base64String({ maxLength: 60 }).map((text) => text.replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_"));

/** Authorization values that must not authenticate anybody. */
export const garbageAuthorization: fc.Arbitrary<string> = fc.oneof(
  headerValue,
  fc.constantFrom(
    "", "Bearer", "Bearer ", "bearer", "Basic dXNlcjpwYXNz", "Bearer null", "Bearer a.b.c", "Bearer ..", "Bearer e30.e30.", "Token abc", `Bearer ${"a".repeat(5_000)}`,
    // alg "none", role admin
    "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIiwiaWF0IjoxLCJleHAiOjk5OTk5OTk5OTl9.",
  ),
  fc.tuple(base64url, base64url, base64url).map((parts) => `Bearer ${parts.join(".")}`),
  // a well-formed token signed with another key: see authorizationValue
  fc.record({ sub: fc.string({ minLength: 1, maxLength: 20 }), role: fc.constantFrom("shopper", "admin") }).map((claims) => `forged:${JSON.stringify(claims)}`),
);

/** Turns the `forged:` placeholders of garbageAuthorization into tokens signed with a key the services do not know. */
export async function authorizationValue(value: string): Promise<string> {
  if (!value.startsWith("forged:")) return value;
  const { sub, role } = JSON.parse(value.slice("forged:".length)) as { sub: string; role: string };
  const now = Math.floor(Date.now() / 1000);
  return `Bearer ${await sign({ sub, role, iat: now, exp: now + 600 }, "not-the-test-secret-0123456789abcdef-xyz", "HS256")}`;
}

/** Claims of a token signed with the right key (TEST_JWT_SECRET): any sub and role, odd or missing times. */
export const signedClaims: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    sub: fc.oneof({ weight: 3, arbitrary: hostileText }, oddString, oddValue),
    role: fc.oneof({ weight: 3, arbitrary: fc.constantFrom("shopper", "admin") }, oddValue),
    iat: fc.oneof({ weight: 3, arbitrary: fc.constant("now") }, oddValue),
    exp: fc.oneof({ weight: 3, arbitrary: fc.constant("in an hour") }, oddValue),
  },
  { requiredKeys: [] },
);

/** `Bearer <token>` of `claims`, signed with TEST_JWT_SECRET ("now" and "in an hour" become times). */
export async function signedAuthorization(claims: Record<string, unknown>): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload = { ...claims };
  if (payload.iat === "now") payload.iat = now;
  if (payload.exp === "in an hour") payload.exp = now + 3_600;
  return `Bearer ${await sign(payload as never, TEST_JWT_SECRET, "HS256")}`;
}
