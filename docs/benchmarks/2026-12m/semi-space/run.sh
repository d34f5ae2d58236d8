#!/bin/bash
# orders' semi-space on Node 24 in the flash sale: 16 (production) vs 8, interleaved; nats-server 2.10
out=/tmp/semi-ab; mkdir -p $out
dir=/tmp/wt-chaos
cd $dir
for round in 1 2 3; do
  for semi in 16 8; do
    PATH=$dir/.cache/nats-server-2.10:$PATH timeout 900 npm run bench -- flash-sale --buyers 10000 --units 100 --retries 5 --no-raw --warm-buyers 3000 --node $dir/.cache/node-24/bin/node --env "orders.NODE_OPTIONS=--max-old-space-size=160 --max-semi-space-size=$semi" --out $out --tag semi$semi-n24-r$round > $out/log-semi$semi-r$round.txt 2>&1
    echo "semi$semi r$round exit $?" >> $out/summary.txt
  done
done
