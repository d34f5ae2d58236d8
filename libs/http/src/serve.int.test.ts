import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "node:net";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import { listen, type RunningServer } from "./serve.ts";

// Requests Node's HTTP parser refuses never reach the app; they still get problem+json.
let server: RunningServer;
beforeAll(async () => {
  server = await listen(new Hono().get("/", (c) => c.text("ok")));
});
afterAll(() => server?.close());

/** Sends raw bytes and returns everything the server answers before it closes the connection. */
const raw = (request: string) =>
  new Promise<string>((resolve, reject) => {
    const socket = connect(server.port, "127.0.0.1");
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString()));
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
    socket.write(request);
  });

const parse = (answer: string) => {
  const [head = "", body = ""] = answer.split("\r\n\r\n");
  return { statusLine: head.split("\r\n")[0], head, body: JSON.parse(body) as Record<string, unknown> };
};

describe("requests the HTTP parser refuses", () => {
  it("headers over 16 KiB: 431 problem+json", async () => {
    const answer = parse(await raw(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`));
    expect(answer.statusLine).toBe("HTTP/1.1 431 Request Header Fields Too Large");
    expect(answer.head).toMatch(/content-type: application\/problem\+json/i);
    expect(answer.body).toMatchObject({ status: 431, code: "headers_too_large" });
  });

  it("not HTTP at all: 400 problem+json", async () => {
    const answer = parse(await raw("HELLO THERE\r\n\r\n"));
    expect(answer.statusLine).toBe("HTTP/1.1 400 Bad Request");
    expect(answer.body).toMatchObject({ status: 400, code: "malformed_request" });
  });

  it("and the server still answers the next request", async () => {
    const response = await fetch(`${server.url}/`);
    expect(await response.text()).toBe("ok");
  });
});

describe("a flood of connections while the process is busy", () => {
  const BUSY_SERVER = fileURLToPath(new URL("./fixtures/busy-server.ts", import.meta.url));

  /** opens `count` connections at once to a server whose event loop is busy for 4 s; ms until each was established (Infinity: never) */
  async function connectAll(count: number, backlog?: number): Promise<number[]> {
    const child = spawn(process.execPath, ["--import", "tsx", BUSY_SERVER, "4000", ...(backlog ? [String(backlog)] : [])], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      const [chunk] = (await once(child.stdout, "data")) as [Buffer];
      const port = Number(chunk.toString().trim());
      const started = performance.now();
      // a reset after the handshake (the server exits) is not what is measured here
      const sockets = Array.from({ length: count }, () => connect(port, "127.0.0.1").on("error", () => {}));
      // a connection refused or reset before it was established counts as never
      const times = await Promise.all(sockets.map((socket) => once(socket, "connect").then(() => performance.now() - started, () => Number.POSITIVE_INFINITY)));
      for (const socket of sockets) socket.destroy();
      return times;
    } finally {
      child.kill();
    }
  }

  it("completes every handshake at once instead of dropping those beyond Node's default queue of 511", async () => {
    // a connection that does not fit is dropped; the client's retries (1 s, 3 s…) meet a full queue
    // until the server is free again (4 s), and this one exits then: established late, or never
    const times = await connectAll(1_000);
    expect(times.filter((ms) => ms >= 2_500)).toEqual([]);
    // the same flood against Node's default backlog
    const defaults = await connectAll(1_000, 511);
    expect(defaults.filter((ms) => ms >= 2_500).length).toBeGreaterThan(300);
  }, 30_000);
});
