import { describe, expect, it } from "vitest";
import { Hono } from "hono";
import { decode } from "hono/jwt";
import { createLogger } from "@checkout/log";
import { createApp, type AppEnv } from "./app.ts";
import { bearerToken, currentUser, requireRole, requireUser, signToken, verifyToken } from "./auth.ts";
import { HttpError } from "./errors.ts";
import { createMetrics } from "./metrics.ts";

const SECRET = "unit-test-secret-of-at-least-32-characters";
const log = createLogger({ service: "auth-test", level: "silent" });

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
};

describe("signToken / verifyToken", () => {
  it("signs HS256 with sub, role, iat and exp, and verifies back to the user", async () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const token = await signToken({ sub: "alice", role: "admin", ttlSeconds: 600, now }, SECRET);
    const { header, payload } = decode(token);
    expect(header).toEqual({ alg: "HS256", typ: "JWT" });
    expect(payload).toEqual({ sub: "alice", role: "admin", iat: 1_767_225_600, exp: 1_767_226_200 });
    expect(await verifyToken(token, SECRET, new Date("2026-01-01T00:09:59Z"))).toEqual({ id: "alice", role: "admin" });
  });

  it("defaults to a shopper for an hour", async () => {
    const { payload } = decode(await signToken({ sub: "bob" }, SECRET));
    expect(payload).toMatchObject({ role: "shopper" });
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it("refuses a sub that is empty or longer than 128 characters, and a bad ttl", async () => {
    await expect(signToken({ sub: "" }, SECRET)).rejects.toThrow();
    await expect(signToken({ sub: "x".repeat(129) }, SECRET)).rejects.toThrow();
    await expect(signToken({ sub: "x".repeat(128) }, SECRET)).resolves.toBeTypeOf("string");
    await expect(signToken({ sub: "bob", ttlSeconds: 0 }, SECRET)).rejects.toThrow(/ttlSeconds/);
  });

  it("refuses an expired token, one signed with another secret, one from the future, and garbage: 401", async () => {
    const token = await signToken({ sub: "alice", ttlSeconds: 60, now: new Date("2026-01-01T00:00:00Z") }, SECRET);
    const expired = await refusal(verifyToken(token, SECRET, new Date("2026-01-01T00:01:00Z")));
    expect(expired).toMatchObject({ status: 401, message: "the bearer token has expired" });
    expect(await refusal(verifyToken(await signToken({ sub: "alice" }, "another-secret-of-at-least-32-characters!"), SECRET))).toMatchObject({
      status: 401,
      message: "the bearer token is invalid",
    });
    const future = await signToken({ sub: "alice", now: new Date(Date.now() + 10 * 60_000) }, SECRET);
    expect(await refusal(verifyToken(future, SECRET))).toMatchObject({ status: 401 });
    expect(await refusal(verifyToken("a.b.c", SECRET))).toMatchObject({ status: 401 });
  });

  it("refuses alg none, another algorithm, a changed payload and a signature spelled differently", async () => {
    const token = await signToken({ sub: "alice" }, SECRET);
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    const forged = [
      `${encode({ alg: "none", typ: "JWT" })}.${payload}.`,
      `${encode({ alg: "none", typ: "JWT" })}.${payload}.${signature}`,
      `${encode({ alg: "HS512", typ: "JWT" })}.${payload}.${signature}`,
      `${header}.${encode({ ...claims, role: "admin" })}.${signature}`,
      `${header}.${payload}.${signature}=`,
      `${header}.${payload}.${signature.slice(0, -1)}${signature.at(-1) === "A" ? "B" : "A"}`,
      `${header}.${payload}`,
      `${header}.${payload}.${signature}.x`,
    ];
    for (const candidate of forged) {
      expect(await refusal(verifyToken(candidate, SECRET)), candidate).toMatchObject({ status: 401, message: "the bearer token is invalid" });
    }
    await expect(verifyToken(token, SECRET)).resolves.toEqual({ id: "alice", role: "shopper" });
  });
});

describe("bearerToken", () => {
  it("reads `Bearer <token>` and names Authorization otherwise", () => {
    expect(bearerToken("Bearer abc.def.ghi")).toBe("abc.def.ghi");
    expect(bearerToken("bearer abc.def.ghi")).toBe("abc.def.ghi");
    for (const header of [undefined, "", "Basic YWxpY2U6eA==", "Bearer", "Bearer a b"]) {
      let thrown: unknown;
      try {
        bearerToken(header);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, String(header)).toMatchObject({ status: 401, errors: [{ field: "Authorization" }] });
    }
  });
});

describe("requireUser, requireRole and createApp's /admin/*", () => {
  const app = createApp({ log, metrics: createMetrics("auth-test"), auth: { secret: SECRET } });
  app.route(
    "/",
    new Hono<AppEnv>()
      .get("/me", requireUser({ secret: SECRET }), (c) => c.json(currentUser(c)))
      .get("/ops", requireUser({ secret: SECRET }), requireRole("admin"), (c) => c.text("ok"))
      .get("/admin/stats", (c) => c.json({ seen: currentUser(c).id })),
  );
  const as = async (sub: string, role: "shopper" | "admin" = "shopper") => ({ authorization: `Bearer ${await signToken({ sub, role }, SECRET)}` });

  it("puts the user in the context", async () => {
    const response = await app.request("/me", { headers: await as("alice") });
    expect(await response.json()).toEqual({ id: "alice", role: "shopper" });
  });

  it("answers 401 problem+json with WWW-Authenticate: Bearer, naming Authorization", async () => {
    const response = await app.request("/me");
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer realm="checkout"/);
    expect(await response.json()).toMatchObject({ status: 401, code: "unauthorized", errors: [{ field: "Authorization" }] });
    const invalid = await app.request("/me", { headers: { authorization: "Bearer not.a.token" } });
    expect(invalid.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("answers 403 for the wrong role", async () => {
    const response = await app.request("/ops", { headers: await as("alice") });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: "forbidden", detail: "this needs the admin role" });
    expect((await app.request("/ops", { headers: await as("root", "admin") })).status).toBe(200);
  });

  it("keeps every /admin/* route for admins", async () => {
    expect((await app.request("/admin/stats")).status).toBe(401);
    expect((await app.request("/admin/stats", { headers: await as("alice") })).status).toBe(403);
    expect((await app.request("/admin", { headers: await as("alice") })).status).toBe(403);
    const admitted = await app.request("/admin/stats", { headers: await as("root", "admin") });
    expect(admitted.status).toBe(200);
    expect(await admitted.json()).toEqual({ seen: "root" });
  });

  it("leaves health, readiness and metrics open", async () => {
    for (const path of ["/healthz", "/readyz", "/metrics"]) expect((await app.request(path)).status, path).toBe(200);
  });
});
