import sys, re, collections
lines = open(sys.argv[1], errors='replace').read().splitlines()
sale = int(sys.argv[2]); t0 = float(lines[0].split()[0])
hist = collections.defaultdict(list)  # sfi -> [(t, kind, name)]
for l in lines:
    try: t = int(float(l.split()[0]) - t0)
    except ValueError: continue
    m = re.search(r'<JSFunction ([^ >]*) ?\(sfi = (0x[0-9a-f]+)\)', l)
    if not m: continue
    name, sfi = m.group(1) or '(anon)', m.group(2)
    if 'completed optimizing' in l: hist[sfi].append((t, 'C', name))
    elif '[bailout (kind: deopt' in l: hist[sfi].append((t, 'D', name))
    elif 'discarding compiled metadata' in l: hist[sfi].append((t, 'F', name))
cats = collections.Counter(); ex = collections.defaultdict(list)
for sfi, ev in hist.items():
    sale_c = [e for e in ev if e[1] == 'C' and sale <= e[0] < sale + 10]
    if not sale_c: continue
    before = [e for e in ev if e[0] < sale]
    first = sale_c[0]
    if not any(e[1] == 'C' for e in before): k = 'first compile in the sale'
    else:
        last_c = max(e[0] for e in before if e[1] == 'C')
        between = [e for e in ev if e[1] == 'D' and last_c <= e[0] <= first[0]]
        k = 'recompiled after a deopt' if between else 'recompiled, no deopt seen since its last compile'
    cats[k] += len(sale_c); ex[k].append(f"{first[2]}x{len(sale_c)}")
    if len(sale_c) > 1: cats['  of which compiles beyond the first in the sale'] += len(sale_c) - 1
for k, v in cats.items(): print(v, k)
for k in ex: print(k, ':', ' '.join(ex[k][:40]))
