// node allocagg.mjs prof.json: bytes sampled in the sale by allocating function (self) and by our frames (inclusive)
import { readFileSync } from "node:fs";
const { startOrdinal, startCount, endCount, profile } = JSON.parse(readFileSync(process.argv[2], "utf8"));
const parent = new Map(), node = new Map();
const walk = (n, p) => { node.set(n.id, n); parent.set(n.id, p); for (const c of n.children) walk(c, n.id); };
walk(profile.head, undefined);
const name = (n) => `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.replace(/^.*\/(node_modules\/)?/, "")}:${n.callFrame.lineNumber + 1}`;
const self = new Map(), incl = new Map(); let total = 0, missing = 0;
for (const s of profile.samples) {
  if (s.ordinal <= startOrdinal) continue;
  total += s.size;
  const n = node.get(s.nodeId); if (!n) { missing += s.size; continue; }
  self.set(name(n), (self.get(name(n)) ?? 0) + s.size);
  const seen = new Set();
  for (let id = s.nodeId; id !== undefined; id = parent.get(id)) { const k = name(node.get(id)); if (seen.has(k)) continue; seen.add(k); incl.set(k, (incl.get(k) ?? 0) + s.size); }
}
const n = endCount - startCount; console.log("samples without a node:", (missing/1048576).toFixed(1), "MB");
console.log(`sampled ${(total / 1048576).toFixed(0)} MB over ${n} checkouts: ${(total / n / 1024).toFixed(1)} KB each`);
const top = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([f, b]) => `${(b / n / 1024).toFixed(2).padStart(7)} KB/checkout  ${f}`).join("\n");
console.log("== self\n" + top(self, 40));
console.log("== inclusive\n" + top(incl, 80));
