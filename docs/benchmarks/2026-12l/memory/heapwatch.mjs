// samples every Node service's /metrics heap spaces + RSS every 200 ms; prints the peak sample per service on SIGINT/exit
import { execSync } from "node:child_process";
const peaks = new Map(); // name -> {rss, spaces at rss peak, max per space}
function listeners() {
  const out = execSync("ss -ltnpH", { encoding: "utf8" });
  const found = new Map();
  for (const line of out.split("\n")) {
    const m = /127\.0\.0\.1:(\d+).*pid=(\d+)/.exec(line) || /\*:(\d+).*pid=(\d+)/.exec(line) || /:(\d+)\s.*pid=(\d+)/.exec(line);
    if (!m) continue;
    const pid = m[2];
    let cmd = ""; try { cmd = execSync(`tr '\\0' ' ' < /proc/${pid}/cmdline`, { encoding: "utf8" }); } catch { continue; }
    const svc = /apps\/(orders|inventory|payments|shipping|notifications)|dist\/(orders|inventory|payments|shipping|notifications)/.exec(cmd);
    if (svc) found.set(svc[1] ?? svc[2], [Number(m[1]), pid]);
  }
  return found;
}
let ports = new Map();
const parse = (text) => {
  const r = {};
  for (const line of text.split("\n")) {
    let m = /^nodejs_heap_space_size_used_bytes\{space="(\w+)"[^}]*\} (\S+)/.exec(line); if (m) r[m[1]] = Number(m[2]);
    m = /^process_resident_memory_bytes\{[^}]*\} (\S+)/.exec(line); if (m) r.rss = Number(m[1]);
    m = /^nodejs_external_memory_bytes\{[^}]*\} (\S+)/.exec(line); if (m) r.external = Number(m[1]);
    m = /^nodejs_heap_size_total_bytes\{[^}]*\} (\S+)/.exec(line); if (m) r.heapTotal = Number(m[1]);
  }
  return r;
};
async function tick() {
  if (ports.size < 5) { try { ports = listeners(); } catch {} }
  await Promise.all([...ports].map(async ([name, [port, pid]]) => {
    try {
      const r = parse(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
      try { const sm = (await import("node:fs")).readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"); for (const k of ["Rss", "Anonymous", "Shared_Clean", "Private_Clean"]) { const mm = new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(sm); if (mm) r["sm_" + k] = Number(mm[1]) * 1024; } } catch {}
      const p = peaks.get(name) ?? { atRss: null, max: {} };
      if (!p.atRss || r.rss > p.atRss.rss) p.atRss = r;
      for (const [k, v] of Object.entries(r)) p.max[k] = Math.max(p.max[k] ?? 0, v);
      peaks.set(name, p);
    } catch { ports.delete(name); }
  }));
}
const timer = setInterval(tick, 200);
const mb = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, +(v / 1048576).toFixed(1)]));
function report() { clearInterval(timer); for (const [n, p] of peaks) { console.log(n, "at RSS peak", JSON.stringify(mb(p.atRss))); console.log(n, "max each", JSON.stringify(mb(p.max))); } process.exit(0); }
process.on("SIGINT", report); process.on("SIGTERM", report);
setTimeout(report, Number(process.argv[2] ?? 600) * 1000);
