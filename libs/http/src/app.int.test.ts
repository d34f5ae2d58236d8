import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import { z } from "zod";
import { createLogger } from "@checkout/log";
import { createApp } from "./app.ts";
import { createMetrics } from "./metrics.ts";
import { listen, type RunningServer } from "./serve.ts";
import { readJson } from "./validate.ts";

// The body limit of every service, through a real node:http server: a body with a declared length is
// judged from its Content-Length, a chunked one as it streams; either way a body over the limit is a
// 413 problem naming `body`, and the handler never runs.

const LIMIT = 1_024;
let server: RunningServer;
let handled = 0;

beforeAll(async () => {
  const app = createApp({ log: createLogger({ service: "body-limit-test", level: "silent" }), metrics: createMetrics("body-limit-test"), auth: { secret: "s".repeat(32) }, maxBodyBytes: LIMIT });
  app.post("/echo", async (c) => {
    handled++;
    const { pad } = await readJson(c, z.object({ pad: z.string() }));
    return c.json({ length: pad.length });
  });
  app.get("/echo", (c) => c.json({ get: true }));
  server = await listen(app);
});
afterAll(() => server?.close());

/** POSTs `body`, with its Content-Length or chunked in pieces of 100 bytes */
const post = (body: string, { chunked = false } = {}) =>
  new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const headers: Record<string, string> = { "content-type": "application/json", ...(chunked ? { "transfer-encoding": "chunked" } : { "content-length": String(Buffer.byteLength(body)) }) };
    const request = http.request(`${server.url}/echo`, { method: "POST", headers, agent: false }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    request.on("error", reject);
    if (chunked) for (let at = 0; at < body.length; at += 100) request.write(body.slice(at, at + 100));
    request.end(chunked ? undefined : body);
  });
const padded = (length: number) => JSON.stringify({ pad: "x".repeat(length - 10) }); // {"pad":""} is 10 bytes

describe("the body limit", () => {
  it("lets a body up to the limit through, with a Content-Length or chunked", async () => {
    expect(await post(padded(LIMIT))).toEqual({ status: 200, body: { length: LIMIT - 10 } });
    expect(await post(padded(LIMIT), { chunked: true })).toEqual({ status: 200, body: { length: LIMIT - 10 } });
    expect((await fetch(`${server.url}/echo`)).status).toBe(200);
  });

  it("answers a body over the limit 413 problem+json naming body, and the handler never runs", async () => {
    const before = handled;
    for (const chunked of [false, true]) {
      const refused = await post(padded(LIMIT + 1), { chunked });
      expect(refused).toMatchObject({ status: 413, body: { status: 413, code: "payload_too_large", errors: [{ field: "body" }] } });
    }
    expect(handled).toBe(before);
  });
});
