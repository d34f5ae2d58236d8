import sys, subprocess, collections, re
data, pid = sys.argv[1], sys.argv[2]
out = subprocess.run(['perf','script','-i',data,'-F','pid,tid,ip,sym,dso','--pid',pid], capture_output=True, text=True).stdout
cat = collections.Counter(); thr = collections.Counter(); main_sym = collections.Counter(); total=0
def classify(sym, dso):
    if 'kernel' in dso: return 'kernel'
    if 'compiler::' in sym or 'maglev' in sym.lower() or 'Compile' in sym or 'turboshaft' in sym: return 'jit-compiler'
    if re.search(r'Scaveng|Mark|Sweep|FreeList|Heap::|GC|Evacuat|Compactor|RememberedSet|SlotSet|LiveObject|MemoryChunk|Barrier|ConcurrentMarking|Minor', sym): return 'gc'
    if dso.startswith('perf-') or 'JIT' in dso or sym.startswith('LazyCompile') or sym.startswith('JS:') or sym.startswith('Builtin:') or sym.startswith('Function:') or sym.startswith('Script:'): return 'js(jit)'
    if 'libc' in dso or 'libstdc' in dso or 'libpthread' in dso: return 'libc'
    if 'node' in dso: return 'node/v8 native'
    return 'other:'+dso
for line in out.splitlines():
    parts = line.split(None, 3)
    if len(parts) < 3: continue
    m = re.match(r'\s*(\d+)/(\d+)\s+([0-9a-f]+)\s+(.*)\s+\((.*)\)\s*$', line)
    if not m: continue
    p, t, ip, sym, dso = m.groups()
    dso = dso.split('/')[-1]
    total += 1
    c = classify(sym, dso)
    role = 'main' if t == p else 'helper'
    cat[(role, c)] += 1; thr[role] += 1
    if role == 'main': main_sym[(sym.strip()[:90], dso)] += 1
print('total', total, dict(thr))
for (r,c),n in sorted(cat.items(), key=lambda x:-x[1]): print(f'{n:6d} {100*n/total:5.1f}% {r:6s} {c}')
print('--- main top')
for (s,d),n in main_sym.most_common(int(sys.argv[3]) if len(sys.argv)>3 else 40): print(f'{n:6d} {100*n/total:5.1f}% {s} [{d}]')
