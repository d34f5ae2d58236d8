import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@checkout/testing";
import { createHttpFetch } from "./http-fetch.ts";

// The generator's fetch against a real node:http server on a free port: what the shop's client reads
// from a Response must be what the global fetch would give it, over connections that are kept alive.

const httpFetch = createHttpFetch();
const connections = new Set<unknown>();
const requestsOn = new WeakMap<object, number>();
/** requests the server read, by path */
const seen = new Map<string, number>();
const server = http.createServer((request, response) => {
  let body = "";
  request.setEncoding("utf8");
  request.on("data", (chunk: string) => (body += chunk));
  request.on("end", () => {
    seen.set(request.url!, (seen.get(request.url!) ?? 0) + 1);
    if (request.url === "/empty") return void response.writeHead(204).end();
    if (request.url === "/slow") return void setTimeout(() => response.writeHead(200).end("{}"), 500);
    if (request.url === "/hang") return; // never answers
    if (request.url === "/chunked") {
      response.writeHead(200, { "content-type": "text/plain" }); // no length: node:http sends it chunked
      response.write("streamed ");
      return void setTimeout(() => response.end("in parts"), 20);
    }
    if (request.url === "/drop") return void request.socket.destroy(); // read, never answered
    if (request.url === "/close") return void response.writeHead(200, { connection: "close", "content-type": "text/plain" }).end("bye");
    // the second request on a connection finds it closed under it, as when the server's keep-alive ends
    const served = (requestsOn.get(request.socket) ?? 0) + 1;
    requestsOn.set(request.socket, served);
    if (request.url === "/reset-reused" && served > 1) return void request.socket.destroy();
    if (request.url === "/busy") return void response.writeHead(503, { "retry-after": "2", "content-type": "application/problem+json" }).end('{"code":"busy"}');
    response.setHeader("set-cookie", ["a=1", "b=2"]);
    response.writeHead(202, { "content-type": "application/json", location: "/api/orders/1" });
    response.end(JSON.stringify({ method: request.method, auth: request.headers.authorization, key: request.headers["idempotency-key"], body: body && JSON.parse(body) }));
  });
});
server.on("connection", (socket) => connections.add(socket));
let url: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  httpFetch.close();
  await new Promise((resolve) => server.close(resolve));
});

describe("the generator's fetch", () => {
  it("sends the method, headers and body, and answers status, headers and JSON as a Response would", async () => {
    const response = await httpFetch(`${url}/api/checkout`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer t", "idempotency-key": "k-1" },
      body: JSON.stringify({ cartId: "c-1" }),
    });
    expect(response.status).toBe(202);
    expect(response.headers.get("location")).toBe("/api/orders/1");
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(response.ok).toBe(true);
    const sent = { method: "POST", auth: "Bearer t", key: "k-1", body: { cartId: "c-1" } };
    expect(await response.json()).toEqual(sent);
    expect(JSON.parse(new TextDecoder().decode(await response.arrayBuffer()))).toEqual(sent);
    expect(JSON.parse(await new Response(response.body).text())).toEqual(sent); // the body as a stream
  });

  it("reads a refusal's Retry-After and body, and a 204 without one", async () => {
    const busy = await httpFetch(`${url}/busy`, { method: "POST", body: "{}" });
    expect([busy.status, busy.ok, busy.headers.get("retry-after"), await busy.text()]).toEqual([503, false, "2", '{"code":"busy"}']);
    const empty = await httpFetch(`${url}/empty`, { method: "DELETE" });
    expect([empty.status, empty.body]).toEqual([204, null]);
  });

  it("keeps connections alive: 200 requests, 20 at a time, open at most 20", async () => {
    connections.clear();
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next++ < 200) expect((await httpFetch(`${url}/get`)).status).toBe(202);
      }),
    );
    expect(connections.size).toBeGreaterThan(0);
    expect(connections.size).toBeLessThanOrEqual(20);
  });

  it("reads a chunked answer written in parts, and opens a new connection after one the server closes", async () => {
    const client = createHttpFetch();
    try {
      const chunked = await client(`${url}/chunked`);
      expect([chunked.status, await chunked.text()]).toEqual([200, "streamed in parts"]);
      const opened = connections.size;
      expect(await (await client(`${url}/close`)).text()).toBe("bye");
      expect(await (await client(`${url}/close`)).text()).toBe("bye");
      // the first /close went on the chunked answer's connection, kept alive; the server closed it, so the second needed a new one
      expect(connections.size - opened).toBe(1);
    } finally {
      client.close();
    }
  });

  it("closes a connection idle for idleMs itself, before the server would, and still waits longer for an answer", async () => {
    const quick = createHttpFetch({ idleMs: 200 });
    server.keepAliveTimeout = 5_000;
    try {
      const opened = new Promise<{ socket: import("node:net").Socket; at: number }>((resolve) => server.once("connection", (socket) => resolve({ socket, at: Date.now() })));
      expect((await quick(`${url}/get`)).status).toBe(202);
      const { socket, at } = await opened;
      await new Promise((resolve) => socket.once("close", resolve));
      expect(Date.now() - at).toBeLessThan(2_000);
      expect((await quick(`${url}/slow`)).status).toBe(200); // an answer slower than idleMs is still waited for
    } finally {
      quick.close();
    }
  });

  it("sends a request again, once, on a new connection when a reused one is reset under it", async () => {
    const client = createHttpFetch();
    try {
      const opened = connections.size;
      expect((await client(`${url}/reset-reused`)).status).toBe(202); // a new connection
      expect((await client(`${url}/reset-reused`)).status).toBe(202); // reused and reset: sent again
      expect(connections.size - opened).toBe(2);
    } finally {
      client.close();
    }
  });

  it("sends a request lost on a reused connection once more, not twice", async () => {
    const client = createHttpFetch();
    try {
      expect((await client(`${url}/get`)).status).toBe(202); // a connection to reuse
      seen.delete("/drop");
      await expect(client(`${url}/drop`, { method: "POST", body: "{}" })).rejects.toMatchObject({ message: "fetch failed", cause: { code: "ECONNRESET" } });
      expect(seen.get("/drop")).toBe(2); // on the reused connection, then on a new one
      seen.delete("/drop");
      await expect(client(`${url}/drop`, { method: "POST", body: "{}" })).rejects.toMatchObject({ cause: { code: "ECONNRESET" } });
      expect(seen.get("/drop")).toBe(1); // a new connection's loss is not tried again
    } finally {
      client.close();
    }
  });

  it("gives up on a request with no answer after timeoutMs, with ETIMEDOUT, and does not send it again", async () => {
    const impatient = createHttpFetch({ timeoutMs: 200 });
    try {
      expect((await impatient(`${url}/get`)).status).toBe(202); // the /hang goes on a reused connection
      seen.delete("/hang");
      await expect(impatient(`${url}/hang`)).rejects.toMatchObject({ message: "fetch failed", cause: { code: "ETIMEDOUT" } });
      expect(seen.get("/hang")).toBe(1);
    } finally {
      impatient.close();
    }
  });

  it("fails a request under way when closed, without sending it again", async () => {
    const client = createHttpFetch();
    expect((await client(`${url}/get`)).status).toBe(202);
    seen.delete("/slow");
    const slow = client(`${url}/slow`, { method: "POST", body: "{}" });
    await new Promise((resolve) => setTimeout(resolve, 100)); // the server has it
    client.close();
    await expect(slow).rejects.toMatchObject({ message: "fetch failed", cause: { code: "ECONNRESET" } });
    await new Promise((resolve) => setTimeout(resolve, 600)); // longer than /slow takes to answer
    expect(seen.get("/slow")).toBe(1);
  });

  it("sends URLs it does not split by hand through URL, and refuses what is not HTTP", async () => {
    const response = await httpFetch(`${url}/api/carts/ä b?x=ä`);
    expect(((await response.json()) as { method: string }).method).toBe("GET"); // percent-encoded by URL: the server read it
    seen.delete("/frag");
    expect((await httpFetch(`${url}/frag#not-sent`)).status).toBe(202);
    expect(seen.get("/frag")).toBe(1); // the fragment stays with the client
    await expect(httpFetch(`https://127.0.0.1/`)).rejects.toThrow("plain http");
    await expect(httpFetch(`${url}/get`, { method: "GET /x HTTP/1.1\r\n" })).rejects.toThrow("not a method");
    await expect(httpFetch(`${url}/get`, { headers: { "x-a": "1\r\nx-b: 2" } })).rejects.toThrow("line break");
  });

  it("fails as fetch does when nothing listens: TypeError('fetch failed') with the socket's error as cause", async () => {
    const port = await freePort();
    const failure = await httpFetch(`http://127.0.0.1:${port}/`).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);
    expect(failure).toMatchObject({ message: "fetch failed", cause: { code: "ECONNREFUSED" } });
    const global = await fetch(`http://127.0.0.1:${port}/`).catch((error: unknown) => error);
    expect(global).toMatchObject({ message: "fetch failed", cause: { code: "ECONNREFUSED" } });
  });

  it("refuses what it does not implement rather than send it wrong", async () => {
    await expect(httpFetch(`${url}/get`, { signal: AbortSignal.timeout(1_000) })).rejects.toThrow("no signal");
    await expect(httpFetch(`${url}/get`, { method: "POST", body: new Uint8Array([1]) })).rejects.toThrow("string body");
  });
});
