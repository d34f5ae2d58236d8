import json, sys, collections
d = json.load(open(sys.argv[1]))
m = d['snapshot']['meta']; nf = m['node_fields']; nt = m['node_types'][0]; N = len(nf)
nodes = d['nodes']; strings = d['strings']
ti, ni, si = nf.index('type'), nf.index('name'), nf.index('self_size')
agg = collections.defaultdict(lambda: [0, 0])
total = 0
for i in range(0, len(nodes), N):
    t = nt[nodes[i+ti]]; s = nodes[i+si]; total += s
    name = strings[nodes[i+ni]] if t in ('object', 'closure', 'native', 'hidden', 'code', 'synthetic') else ''
    if t == 'code': name = name[:40]
    key = (t, name[:60])
    agg[key][0] += s; agg[key][1] += 1
print('total self MB', round(total/1048576, 1))
for (t, n), (s, c) in sorted(agg.items(), key=lambda kv: -kv[1][0])[:int(sys.argv[2]) if len(sys.argv) > 2 else 50]:
    print(f"{s/1048576:8.2f} MB {c:8d}  {t:10s} {n}")
