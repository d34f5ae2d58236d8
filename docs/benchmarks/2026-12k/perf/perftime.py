import sys, subprocess, collections, re
data = sys.argv[1]
out = subprocess.run(['perf','script','-i',data,'-F','comm,pid,tid,time,ip,sym'], capture_output=True, text=True).stdout
b = collections.defaultdict(collections.Counter); t0=None
for line in out.splitlines():
    m = re.match(r'\s*(\S+)\s+(\d+)/(\d+)\s+([\d.]+):\s+[0-9a-f]+\s+(.*)$', line)
    if not m: continue
    comm, pid, tid, t, sym = m.groups(); t=float(t)
    if t0 is None: t0=t
    s=int(t-t0)
    if 'compiler::' in sym or 'turboshaft' in sym: b[s]['jit']+=1
    elif re.search(r'Scaveng|Mark|Sweep|FreeList|Heap::|Evacuat|Concurrent', sym): b[s]['gc']+=1
    b[s]['all']+=1
    if comm=='swapper': b[s]['idle']+=1
for s in sorted(b): print(s, dict(b[s]))
