#!/usr/bin/env bash
# Puts a nats-server 2.10+ binary at .cache/nats-server-2.10/nats-server (gitignored) for the int tests
# that need filter_subjects (startNatsServer210 in libs/testing; ADR 0013). The machines run nats-server
# 2.9.10 from Debian bookworm; this takes the binary out of Debian trixie's nats-server package (2.10.x)
# without installing anything or touching the system's apt configuration: a source list, package lists
# and an apt cache of its own in a temporary directory, `apt-get download`, `dpkg -x`. Needs apt-get,
# dpkg and deb.debian.org. When the binary is there and says 2.10 or later, it only says so (no network).
# Called by `npm test` and `npm run test:e2e:nats-2.10` (not by `npm start`: only tests need it).
#
#   bash scripts/ensure-nats-2.10.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly DIR=.cache/nats-server-2.10
readonly BIN=$DIR/nats-server
readonly SOURCE="deb http://deb.debian.org/debian trixie main"

fail() {
  echo "ensure-nats-2.10: $*; or put a nats-server 2.10+ binary at $BIN yourself (https://github.com/nats-io/nats-server/releases), or point NATS_SERVER_2_10_BIN at one" >&2
  exit 1
}

version_of() { "$1" --version 2>/dev/null | sed -n 's/^nats-server: v\([0-9][0-9.]*\).*/\1/p'; }
# true when the binary runs and is 2.10 or later
recent_enough() {
  local version
  version=$(version_of "$1") && [[ -n "$version" ]] && printf '2.10\n%s\n' "$version" | sort -V -C
}

if [[ -x "$BIN" ]] && recent_enough "$BIN"; then
  echo "nats-server $(version_of "$BIN") $BIN  already there"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || fail "apt-get not found (this script takes the binary from Debian's nats-server package)"
command -v dpkg >/dev/null 2>&1 || fail "dpkg not found"
mkdir -p "$DIR"
work=$(mktemp -d "$DIR/download.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
echo "$SOURCE" >"$work/sources.list"
apt=(apt-get -q
  -o "Dir::Etc::sourcelist=$PWD/$work/sources.list" -o Dir::Etc::sourceparts=-
  -o "Dir::State::Lists=$PWD/$work/lists" -o "Dir::Cache=$PWD/$work/cache"
  -o APT::Sandbox::User=root)

"${apt[@]}" update >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get update of '$SOURCE' failed"; }
(cd "$work" && "${apt[@]}" download nats-server) >>"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get download nats-server (from trixie) failed"; }
deb=$(ls "$work"/nats-server_*.deb)
dpkg -x "$deb" "$work/x"
recent_enough "$work/x/usr/sbin/nats-server" || fail "$(basename "$deb") holds nats-server $(version_of "$work/x/usr/sbin/nats-server"), not 2.10+"
install -m 0755 "$work/x/usr/sbin/nats-server" "$BIN.new"
mv -f "$BIN.new" "$BIN" # whole or not at all, for a run that looks at the same time
echo "nats-server $(version_of "$BIN") $BIN  downloaded ($(basename "$deb"))"
