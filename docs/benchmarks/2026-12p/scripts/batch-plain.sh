#!/usr/bin/env bash
# batch-plain.sh: the warm flash sale without run.sh's peakwatch (which took about 0.2 cores this session),
# the generator before (worktree at 7003ccb, /tmp/wt-base) and after, interleaved
plain() { (cd $1 && PATH=/work/main/.cache/nats-server-2.10:$PATH npm run bench -- flash-sale --buyers 10000 --units 100 --retries 5 --no-raw --warm-buyers 3000 --node /work/main/.cache/node-24/bin/node --tag $2 --out /tmp/mem/res --quiet > /tmp/mem/$2.log 2>&1); }
plain /tmp/wt-base plain-old-1; plain /work/main plain-new-2; plain /tmp/wt-base plain-old-2; plain /work/main plain-new-3
