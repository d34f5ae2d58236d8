#!/bin/bash
# interleaved steady runs: base (3743a55) vs new (HEAD), nats-server 2.10
out=/tmp/steady-ab; mkdir -p $out
for round in 1 2; do
  for arm in base new; do
    if [ $arm = base ]; then dir=/tmp/wt-base; else dir=/tmp/wt-chaos; fi
    cd $dir && PATH=$dir/.cache/nats-server-2.10:$PATH timeout 600 npm run bench -- steady --rate 100 --duration 30 --no-raw --out $out --tag s100-$arm-r$round > $out/log-$arm-r$round.txt 2>&1
    echo "$arm r$round exit $?" >> $out/summary.txt
  done
done
