// polls orders' /metrics every 500 ms; prints the last values of both GC figures (our counter, prom-client's histogram sum)
import { execSync } from "node:child_process";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let port, first, last;
for (let i = 0; i < 400; i++) {
  try {
    if (!port) { for (const l of execSync("ss -ltnpH", { encoding: "utf8" }).split("\n")) { const m = /:(\d+)\s.*pid=(\d+)/.exec(l); if (!m) continue; const cmd = execSync(`tr '\\0' ' ' < /proc/${m[2]}/cmdline`, { encoding: "utf8" }); if (/orders\/dist\/main\.mjs/.test(cmd)) port = m[1]; } }
    if (port) {
      const t = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const sum = (re) => [...t.matchAll(re)].reduce((s, m) => s + Number(m[1]), 0);
      const v = { ours: sum(/^nodejs_gc_pause_seconds_total\{[^}]*\} (\S+)/gm), prom: sum(/^nodejs_gc_duration_seconds_sum\{[^}]*\} (\S+)/gm), promCount: sum(/^nodejs_gc_duration_seconds_count\{[^}]*\} (\S+)/gm), checkouts: sum(/^orders_checkout_total\{[^}]*\} (\S+)/gm) };
      first ??= v; if (v.checkouts >= 3000 && !first.sale) first = { ...v, sale: true }; last = v;
    }
  } catch { if (last) break; }
  await sleep(500);
}
console.log(JSON.stringify({ atWarmUpEnd: first, last }));
