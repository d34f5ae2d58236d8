#!/bin/bash
exec /usr/bin/node --trace-opt --trace-deopt --no-flush-bytecode "$@" > >(awk '{ printf "%.3f %s\n", systime(), $0; fflush() }' > /tmp/v8trace/$$.log)
