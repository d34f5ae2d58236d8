import { createServer, connect, type AddressInfo } from "node:net";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import postgres from "postgres";
import { PG_URL } from "@checkout/testing";
import { createDelayProxy, startDelayProxy, type DelayProxy } from "./delay-proxy.ts";

describe("the bench's delay proxy (--pg-delay-ms)", () => {
  let proxy: DelayProxy | undefined;
  afterEach(async () => {
    await proxy?.stop();
    proxy = undefined;
  });

  it("puts PostgreSQL a round trip of twice the delay away, and answers as PostgreSQL does", async () => {
    const direct = new URL(PG_URL);
    proxy = await startDelayProxy({ target: { host: direct.hostname, port: Number(direct.port || 5432) }, delayMs: 25 });
    const sql = postgres(Object.assign(new URL(PG_URL), { hostname: "127.0.0.1", port: String(proxy.port) }).href, { max: 1, onnotice: () => {} });
    try {
      await sql`SELECT 1`; // connected
      const started = performance.now();
      const rows = [];
      for (let i = 0; i < 4; i++) rows.push(...(await sql<Array<{ n: number }>>`SELECT ${i}::int AS n`));
      const elapsed = performance.now() - started;
      expect(rows.map((row) => row.n)).toEqual([0, 1, 2, 3]);
      // four round trips, each ≥ 25 ms there and 25 ms back
      expect(elapsed).toBeGreaterThanOrEqual(4 * 50 - 4);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });

  it("delivers every byte in order both ways and passes the end of a stream on", async () => {
    const echo = createServer((socket) => socket.on("error", () => {}).pipe(socket));
    await once(echo.listen(0, "127.0.0.1"), "listening");
    const server = createDelayProxy({ target: { host: "127.0.0.1", port: (echo.address() as AddressInfo).port }, delayMs: 2 });
    await once(server.listen(0, "127.0.0.1"), "listening");
    try {
      const sent = randomBytes(4 * 1024 * 1024);
      const client = connect({ host: "127.0.0.1", port: (server.address() as AddressInfo).port });
      const received: Buffer[] = [];
      client.on("data", (chunk: Buffer) => received.push(chunk));
      const ended = once(client, "end");
      for (let at = 0; at < sent.length; at += 1_000) client.write(sent.subarray(at, at + 1_000));
      client.end();
      await ended; // the echo server ended its side after our end reached it, through the proxy both ways
      expect(Buffer.concat(received).equals(sent)).toBe(true);
      client.destroy();
    } finally {
      server.close();
      echo.close();
    }
  });
});
