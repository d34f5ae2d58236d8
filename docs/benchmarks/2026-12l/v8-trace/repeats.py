import sys, re, collections
lines = open(sys.argv[1], errors='replace').read().splitlines()
sale = int(sys.argv[2]); t0 = float(lines[0].split()[0])
n = collections.Counter(); ms = collections.Counter(); name = {}; clos = collections.defaultdict(set)
tot_ms = 0; tot = 0
for l in lines:
    try: t = int(float(l.split()[0]) - t0)
    except ValueError: continue
    if not (sale <= t < sale + 10): continue
    m = re.search(r'completed compiling (0x[0-9a-f]+) <JSFunction ([^ >]*) ?\(sfi = (0x[0-9a-f]+)\)> \(target (\w+)\) - took ([\d.]+), ([\d.]+), ([\d.]+) ms', l)
    if not m: continue
    f, nm, sfi = m.group(1), m.group(2) or '(anon)', m.group(3)
    took = sum(float(m.group(i)) for i in (5, 6, 7))
    n[sfi] += 1; ms[sfi] += took; name[sfi] = nm; clos[sfi].add(f); tot += 1; tot_ms += took
rep = sum(c - 1 for c in n.values()); rep_ms = sum(ms[s] * (n[s] - 1) / n[s] for s in n)
print(f"sale's first 10 s: {tot} compiles, {tot_ms:.0f} ms of compile time; {len(n)} functions; compiles beyond a function's first: {rep} ({rep_ms:.0f} ms)")
for s, c in n.most_common(25):
    if c < 2: break
    print(f"  {name[s]:28s} x{c}  {len(clos[s])} closures  {ms[s]:.1f} ms")
