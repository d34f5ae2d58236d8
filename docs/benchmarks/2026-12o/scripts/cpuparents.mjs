// node cpuparents.mjs prof.cpuprofile fnName [depth]: self time of fnName by caller chain
import { readFileSync } from "node:fs";
const [file, fn, depth = "4"] = process.argv.slice(2);
const p = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(p.nodes.map((n) => [n.id, n])); const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const dt = new Map(); for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i + 1] ?? 0));
const nm = (n) => `${n.callFrame.functionName || "(anon)"}@${n.callFrame.url.replace(/.*\/(node_modules\/)?/, "")}:${n.callFrame.lineNumber + 1}`;
const agg = new Map();
for (const n of p.nodes) { if (n.callFrame.functionName !== fn) continue; const t = dt.get(n.id) ?? 0; if (!t) continue;
  const chain = []; for (let id = parent.get(n.id), k = 0; id !== undefined && k < Number(depth); id = parent.get(id), k++) chain.push(nm(byId.get(id)));
  const key = chain.join(" < "); agg.set(key, (agg.get(key) ?? 0) + t); }
for (const [k, t] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log((t / 1000).toFixed(0).padStart(6), "ms ", k);
