import { describe, expect, it } from "vitest";
import { Hono } from "hono";
import { settleRouter, usesRegExpRouter } from "./router.ts";

const handler = () => new Response("ok");

describe("settleRouter", () => {
  it("names the RegExpRouter for routes it can hold, before any request", async () => {
    const app = new Hono().get("/healthz", handler).get("/items/:id", handler).post("/items/:id/replay", handler);
    const name = settleRouter(app);
    expect(name).toBe("SmartRouter + RegExpRouter");
    expect(usesRegExpRouter(name)).toBe(true);
    expect((await app.request("/items/7/replay", { method: "POST" })).status).toBe(200);
  });

  it("names the TrieRouter hono falls back to for a static segment beside a parameter with segments after it", async () => {
    const app = new Hono().post("/items/replay", handler).post("/items/:id/replay", handler);
    const name = settleRouter(app);
    expect(name).toBe("SmartRouter + TrieRouter");
    expect(usesRegExpRouter(name)).toBe(false);
    expect((await app.request("/items/replay", { method: "POST" })).status).toBe(200); // still routed, by the slower router
  });
});
