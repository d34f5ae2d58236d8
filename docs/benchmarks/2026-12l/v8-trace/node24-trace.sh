#!/bin/bash
# Node 24 for the bench's --node that logs V8's optimizations and deoptimizations with a timestamp
exec /work/main/.cache/node-24/bin/node --trace-opt --trace-deopt "$@" > >(awk '{ printf "%.3f %s\n", systime(), $0; fflush() }' > /tmp/v8trace/$$.log)
