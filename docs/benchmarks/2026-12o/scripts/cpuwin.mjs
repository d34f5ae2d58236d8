// node cpuwin.mjs prof [from_s to_s]: busy ms per second of the profile; with a window, top self functions in it
import { readFileSync } from "node:fs";
const [file, from, to] = process.argv.slice(2);
const p = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(p.nodes.map((n) => [n.id, n])); const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
let t = 0; const per = []; const self = new Map(); const pkgs = new Map();
const nm = (n) => `${n.callFrame.functionName || "(anon)"}@${n.callFrame.url.replace(/.*\/(node_modules\/)?/, "")}:${n.callFrame.lineNumber + 1}`;
const pkg = (u) => { const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(u); return m ? m[1] : u.startsWith("node:") ? "node:" : u.includes("dist/main.mjs") ? "orders" : "(native)"; };
for (let i = 0; i < p.samples.length; i++) {
  const d = p.timeDeltas[i + 1] ?? 0; t += p.timeDeltas[i]; const s = Math.floor(t / 1e6);
  const n = byId.get(p.samples[i]); const idle = n.callFrame.functionName === "(idle)";
  per[s] ??= 0; if (!idle) per[s] += d / 1000;
  if (from !== undefined && s >= Number(from) && s < Number(to) && !idle) {
    self.set(nm(n), (self.get(nm(n)) ?? 0) + d / 1000);
    // attribute native frames to the nearest JS package
    let id = n.id, k = pkg(n.callFrame.url); while (k === "(native)" && parent.get(id) !== undefined && n.callFrame.functionName !== "(garbage collector)") { id = parent.get(id); const u = byId.get(id).callFrame.url; if (u) k = pkg(u) + " (native below)"; if (u) break; }
    if (n.callFrame.functionName === "(garbage collector)") k = "(gc)";
    pkgs.set(k, (pkgs.get(k) ?? 0) + d / 1000);
  }
}
if (from === undefined) console.log(per.map((v, i) => `${i}:${Math.round(v ?? 0)}`).join(" "));
else { const tot = [...self.values()].reduce((a, b) => a + b, 0); console.log("busy ms", tot.toFixed(0));
  for (const [k, v] of [...pkgs].sort((a, b) => b[1] - a[1]).slice(0, 14)) console.log(v.toFixed(0).padStart(6), (100 * v / tot).toFixed(1).padStart(5) + "%", k);
  console.log("--"); for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(v.toFixed(0).padStart(6), (100 * v / tot).toFixed(1).padStart(5) + "%", k); }
