import sys, collections, re
# usage: tracesale.py orders-trace.log  -> per-second compiles/deopts; the sale = first active second after the warm-up's quiet wait
lines = open(sys.argv[1], errors='replace').read().splitlines()
t0 = float(lines[0].split()[0])
comp, deopt = collections.Counter(), collections.Counter()
deopts = collections.defaultdict(list)
for l in lines:
    try: t = int(float(l.split()[0]) - t0)
    except ValueError: continue
    if 'completed optimizing' in l: comp[t] += 1
    if '[bailout (kind: deopt' in l:
        deopt[t] += 1
        m = re.search(r'reason: ([^)]*)\).*?<JSFunction ([^ >]*)', l)
        deopts[t].append(f"{m.group(2) or '(anonymous)'}: {m.group(1)}" if m else l[:120])
last = max(list(comp) + list(deopt))
active = [s for s in range(last + 1) if comp[s] >= 8 or deopt[s] >= 8]
# the sale: the first active second after a gap of >= 6 quiet seconds that starts after second 10
sale = None
for a, b in zip(active, active[1:]):
    if a >= 10 and b - a >= 5: sale = b; break
print("second compiles deopts:", " ".join(f"{s}:{comp[s]}/{deopt[s]}" for s in range(last + 1) if comp[s] + deopt[s]))
if sale is not None:
    pre = [s for s in range(sale - 6, sale) if deopt[s]]
    print(f"sale starts at +{sale}s; deopts in the 6 s before: {sum(deopt[s] for s in pre)}; in its first second: {deopt[sale]}; first 10 s: compiles {sum(comp[s] for s in range(sale, sale + 10))}, deopts {sum(deopt[s] for s in range(sale, sale + 10))}")
    for s in pre + [sale]:
        for d in deopts[s]: print(f"  +{s}s {d}")
