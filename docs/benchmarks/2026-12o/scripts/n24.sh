#!/bin/sh
# Node 24 (.cache/node-24, bash scripts/ensure-node-24.sh) with extra V8 command-line flags from $EXTRA_NODE_FLAGS,
# set per service with the bench's --env (e.g. "orders.EXTRA_NODE_FLAGS=--no-maglev"): flags NODE_OPTIONS refuses
exec "$(cd "$(dirname "$0")/../../../.." && pwd)/.cache/node-24/bin/node" $EXTRA_NODE_FLAGS "$@"
