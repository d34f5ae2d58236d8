#!/usr/bin/env bash
# sum.sh <label glob>: one line per run of run.sh (logs in /tmp/mem): settled, CPU ms per buyer (bench, orders, all), orders peak RSS, machine
for f in $(ls -tr /tmp/mem/$1.log); do
  l=$(basename $f .log)
  s=$(awk '/^settled/{print $2}' $f); b=$(awk '/^bench /{print $NF}' $f); o=$(awk '/^orders /{print $5}' $f); a=$(awk '/^all /{print $2}' $f)
  m=$(grep -E "^machine during" $f | sed -E 's/.* ([0-9]+% busy).*other work ([0-9.]+) cores.*/\1 other \2/')
  rss=$(awk '/^orders /{print $2}' $f)
  echo "$l settled=$s bench=$b orders=$o all=$a rss=$rss $m"
done
