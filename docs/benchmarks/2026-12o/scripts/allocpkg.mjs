import { readFileSync } from "node:fs";
const { startOrdinal, startCount, endCount, profile } = JSON.parse(readFileSync(process.argv[2], "utf8"));
const node = new Map(), parent = new Map();
const walk = (n, p) => { node.set(n.id, n); parent.set(n.id, p); for (const c of n.children) walk(c, n.id); };
walk(profile.head, undefined);
const pkg = (url) => { const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url); if (m) return m[1]; if (url.startsWith("node:")) return "node:" + url.slice(5).split("/")[0]; if (url.includes("/dist/main.mjs")) return "orders bundle"; return url || "(native/builtin)"; };
const by = new Map(); const n = endCount - startCount; let total = 0;
for (const s of profile.samples) { if (s.ordinal <= startOrdinal) continue; if (!node.get(s.nodeId)) continue; total += s.size; const k = pkg(node.get(s.nodeId).callFrame.url); by.set(k, (by.get(k) ?? 0) + s.size); }
for (const [k, b] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log((b / n / 1024).toFixed(2).padStart(7), "KB", ((100 * b) / total).toFixed(1).padStart(5) + "%", k);
