#!/usr/bin/env bash
# peakwatch.sh <label> <seconds>: keeps /proc/<orders>/smaps at orders' highest VmRSS
label=$1; secs=${2:-400}; max=0; end=$((SECONDS+secs))
while [ $SECONDS -lt $end ]; do
  pid=$(pgrep -f "orders/dist/main.mjs" | head -1)
  if [ -n "$pid" ]; then
    rss=$(awk '/^VmRSS/{print $2}' /proc/$pid/status 2>/dev/null)
    if [ -n "$rss" ] && [ "$rss" -gt "$max" ]; then
      cat /proc/$pid/smaps > ${OUT:-/tmp/mem}/peak-$label.smaps.tmp 2>/dev/null && mv ${OUT:-/tmp/mem}/peak-$label.smaps.tmp ${OUT:-/tmp/mem}/peak-$label.smaps && max=$rss
      echo "$max" > ${OUT:-/tmp/mem}/peak-$label.rss
    fi
  fi
  sleep 0.2
done
