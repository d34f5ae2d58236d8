#!/usr/bin/env bash
# run.sh <label> [bench flags…]: one warm flash sale on Node 24 with orders' peak smaps kept in $OUT (default /tmp/mem).
# TREE=<checkout> runs another checkout of the code (a worktree); results go to $OUT/res.
here=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-/tmp/mem}; mkdir -p "$OUT/res"
cd "${TREE:-$here/../../../..}"
label=$1; shift
OUT=$OUT bash "$here/peakwatch.sh" "$label" 400 &
w=$!
PATH=$PWD/.cache/nats-server-2.10:$PATH npm run bench -- flash-sale --buyers 10000 --units 100 --retries 5 --no-raw --warm-buyers 3000 --node "$here/n24.sh" --tag "mem-$label" --out "$OUT/res" --quiet "$@" > "$OUT/$label.log" 2>&1
kill $w
s=$(grep -E "^settled" "$OUT/$label.log" | awk '{print $2}')
o=$(grep -E "^orders " "$OUT/$label.log" | awk '{print $2, $5, $6}')
a=$(grep -E "^audit" "$OUT/$label.log" | awk '{print $2}')
echo "$label settled=$s orders(rss cores ms)=$o audit=$a peakwatch=$(( $(cat "$OUT/peak-$label.rss") / 1024 ))MB" | tee -a "$OUT/summary.txt"
node "$here/smapscat.mjs" "$OUT/peak-$label.smaps" | head -4 | sed "s/^/   /" | tee -a "$OUT/summary.txt"
