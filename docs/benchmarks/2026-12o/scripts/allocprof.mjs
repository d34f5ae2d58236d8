// Allocation sampling of orders over the flash sale (not the warm-up) through the inspector.
// node24 allocprof.mjs <inspector port> <out.json>
import { execSync } from "node:child_process";
import { writeFileSync } from "node:fs";
const [port, out] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let ws;
for (;;) {
  try { const list = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json(); ws = new WebSocket(list[0].webSocketDebuggerUrl); break; } catch { await sleep(200); }
}
await new Promise((r) => ws.addEventListener("open", r));
let id = 0; const pending = new Map();
ws.addEventListener("message", (e) => { const m = JSON.parse(e.data); if (m.id && pending.has(m.id)) { pending.get(m.id)(m); pending.delete(m.id); } });
const call = (method, params = {}) => new Promise((r) => { const i = ++id; pending.set(i, r); ws.send(JSON.stringify({ id: i, method, params })); });
await call("HeapProfiler.enable");
await call("HeapProfiler.startSampling", { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: process.argv[4] !== "promoted" });
// orders' http port: the listener of the process that has the inspector port
const pid = /pid=(\d+)/.exec(execSync(`ss -ltnpH 'sport = :${port}'`, { encoding: "utf8" }))[1];
let httpPort;
for (;;) {
  const lines = execSync("ss -ltnpH", { encoding: "utf8" }).split("\n").filter((l) => l.includes(`pid=${pid},`) && !l.includes(`:${port} `));
  if (lines.length) { httpPort = /:(\d+)\s/.exec(lines[0])[1]; break; }
  await sleep(200);
}
const checkouts = async () => { const t = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text(); let s = 0; for (const m of t.matchAll(/^orders_checkout_total\{[^}]*\} (\S+)/gm)) s += Number(m[1]); return s; };
let last = 0, lastChange = Date.now(), startOrdinal, startCount, startedAt;
for (;;) {
  let c; try { c = await checkouts(); } catch { break; }
  const now = Date.now();
  if (c !== last) {
    if (startOrdinal === undefined && last > 1000 && now - lastChange > 2000) {
      const p = (await call("HeapProfiler.getSamplingProfile")).result.profile;
      startOrdinal = Math.max(0, ...p.samples.map((s) => s.ordinal)); startCount = last; startedAt = now;
      console.error("sale started at checkouts", last, "ordinal", startOrdinal);
    }
    last = c; lastChange = now;
  } else if (startOrdinal !== undefined && now - lastChange > 3000) break;
  await sleep(100);
}
const p = (await call("HeapProfiler.stopSampling")).result.profile;
writeFileSync(out, JSON.stringify({ startOrdinal, startCount, endCount: last, seconds: (lastChange - startedAt) / 1000, profile: p }));
console.error("done", { startCount, endCount: last });
process.exit(0);
