// node cpuwin2.mjs <cpuprofile> <from s> <to s>: a CPU profile restricted to a window: self time by file and by function, and inclusive time (INCL=n rows)
import { readFileSync } from "node:fs";
const [file, from, to] = process.argv.slice(2);
const p = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(p.nodes.map((n) => [n.id, n])); const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const short = (u) => u.replace(/^file:\/\//, "").replace(/.*node_modules\//, "nm:").replace(/.*\/work\/main\//, "");
const nm = (n) => `${n.callFrame.functionName || "(anon)"}@${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
let t = 0; const self = new Map(), files = new Map(), incl = new Map(); let tot = 0;
for (let i = 0; i < p.samples.length; i++) {
  const d = (p.timeDeltas[i + 1] ?? 0) / 1000; t += p.timeDeltas[i]; const s = t / 1e6;
  const n = byId.get(p.samples[i]); if (n.callFrame.functionName === "(idle)") continue;
  if (s < Number(from) || s >= Number(to)) continue;
  tot += d; self.set(nm(n), (self.get(nm(n)) ?? 0) + d);
  let id = n.id, f = short(n.callFrame.url);
  while (!f && parent.get(id) !== undefined) { id = parent.get(id); f = short(byId.get(id).callFrame.url); }
  f = f.replace(/^(nm:(@[^/]+\/)?[^/]+).*/, "$1");
  files.set(f, (files.get(f) ?? 0) + d);
  const seen = new Set(); for (let id2 = n.id; id2 !== undefined; id2 = parent.get(id2)) { const k = nm(byId.get(id2)); if (!seen.has(k)) { seen.add(k); incl.set(k, (incl.get(k) ?? 0) + d); } }
}
const top = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([x, v]) => `${v.toFixed(0).padStart(6)} ${(100 * v / tot).toFixed(1).padStart(5)}% ${x}`).join("\n");
console.log("busy ms", tot.toFixed(0)); console.log("== by file\n" + top(files, 25)); console.log("== self\n" + top(self, 30)); console.log("== inclusive\n" + top(incl, Number(process.env.INCL ?? 40)));
