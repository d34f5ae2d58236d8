// Runs the simulator on STRIPE_SIM_HOST (default 127.0.0.1; 0.0.0.0 in containers) and STRIPE_SIM_PORT
// (default 12111). Not for production: it keeps everything in memory. The only file reading process.env.
import { startStripeSim } from "./server.ts";

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 12111;
  const port = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) {
    console.error(`STRIPE_SIM_PORT must be an integer between 0 and 65535, got ${JSON.stringify(raw)}`);
    process.exit(1);
  }
  return port;
}

const running = await startStripeSim({ port: parsePort(process.env.STRIPE_SIM_PORT), host: process.env.STRIPE_SIM_HOST || "127.0.0.1" });
console.log(JSON.stringify({ level: "info", msg: "stripe-sim listening", url: running.url, time: new Date().toISOString() }));

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  await running.close();
  console.log(JSON.stringify({ level: "info", msg: "stripe-sim stopped", signal, time: new Date().toISOString() }));
  process.exit(0);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
