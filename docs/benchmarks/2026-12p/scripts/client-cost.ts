// node --import tsx docs/benchmarks/2026-12p/scripts/client-cost.ts <http|bench>: the CPU per request of the
// generator's HTTP client against a node:http server in another process (started here), in a closed loop of
// 1,000 clients as in the flash sale, with the sale's checkout request and a checkout's answer.
// `http`: node:http's client over a keep-alive agent (the bench's fetch before the sixteenth session);
// `bench`: apps/bench/src/system/http-fetch.ts as it is.
import { fork } from "node:child_process";
import http from "node:http";
import { createHttpFetch } from "../../../../apps/bench/src/system/http-fetch.ts";

if (process.argv[2] === "server") {
  const body = JSON.stringify({ orderId: "0f8fad5b-d9cb-469f-a165-70867728950e", status: "CANCELLED", total: { amount: 3312, currency: "USD" }, statusUrl: "/api/orders/0f8fad5b-d9cb-469f-a165-70867728950e", cancelReason: "out_of_stock", cancelDetail: "BOTTLE-STEEL: sold out (refused at checkout)" });
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => response.writeHead(202, { "content-type": "application/json", "content-length": Buffer.byteLength(body), location: "/api/orders/x" }).end(body));
  });
  server.listen(0, "127.0.0.1", () => process.send!((server.address() as { port: number }).port));
} else {
  const kind = process.argv[2] ?? "bench";
  const server = fork(new URL(import.meta.url).pathname, ["server"], { execArgv: ["--import", "tsx"] });
  const port = await new Promise<number>((resolve) => server.once("message", (p) => resolve(p as number)));
  const url = `http://127.0.0.1:${port}/api/checkout`;
  const headers = { authorization: `Bearer ${"x".repeat(180)}`, "content-type": "application/json", "idempotency-key": "0f8fad5b-d9cb-469f-a165-70867728950e" };
  const body = JSON.stringify({ cartId: "0f8fad5b-d9cb-469f-a165-70867728950e", email: "ada@example.com", paymentMethod: "pm_card_visa", address: { name: "Ada Lovelace", line1: "1 Main St", city: "Portland", postalCode: "97201", region: "US-OR", country: "US" } });
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, timeout: 4000 });
  const viaHttp = () =>
    new Promise<number>((resolve, reject) => {
      const request = http.request(url, { method: "POST", headers, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => (JSON.parse(Buffer.concat(chunks).toString()), resolve(response.statusCode!)));
      });
      request.on("error", reject);
      request.end(body);
    });
  const benchFetch = createHttpFetch();
  const viaBench = async () => {
    const response = await benchFetch(url, { method: "POST", headers, body });
    await response.json();
    return response.status;
  };
  const one = kind === "http" ? viaHttp : viaBench;
  for (const [round, count] of [["warm", 10_000], ["measured", 30_000]] as const) {
    let next = 0;
    const started = performance.now();
    const cpu = process.cpuUsage();
    await Promise.all(Array.from({ length: 1_000 }, async () => {
      while (next++ < count) if ((await one()) !== 202) throw new Error("not 202");
    }));
    const used = process.cpuUsage(cpu);
    if (round === "measured") console.log(`${kind}: ${Math.round((count / (performance.now() - started)) * 1000)} requests/s, ${((used.user + used.system) / count).toFixed(1)} µs of the client's CPU per request`);
  }
  agent.destroy();
  benchFetch.close();
  server.kill();
}
