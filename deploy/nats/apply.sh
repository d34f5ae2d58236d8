#!/usr/bin/env bash
# Creates the Checkout streams, durable consumers and KV buckets with the `nats` CLI
# (https://github.com/nats-io/natscli/releases), from the files beside this script. The services
# create the same things themselves at start-up, idempotently; this is for an operator who wants them
# in place first (or to compare: `nats stream info ORDERS --json`). Existing ones are left as they are.
#
# The consumer files are for nats-server 2.10+ (production): each filters on the events its service
# handles, several of them with `filter_subjects`, which 2.9 does not know. On 2.9, leave the consumers to
# the services, which create them filtering on `<prefix>.>` there. A consumer that exists with another
# filter (made by an older version, `orders.>`) is left as it is here; its service updates the filter in
# place at its next start (ADR 0013).
#
#   NATS_URL=nats://127.0.0.1:4222 bash deploy/nats/apply.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
command -v nats >/dev/null || { echo "apply.sh: the nats CLI is not installed (https://github.com/nats-io/natscli/releases)" >&2; exit 1; }
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

for file in streams/*.json; do
  stream=$(basename "$file" .json)
  if nats stream info "$stream" >/dev/null 2>&1; then echo "stream $stream: exists"; else nats stream add "$stream" --config "$file" >/dev/null && echo "stream $stream: created"; fi
done

# consumers/<service>-<stream>.json: the stream is the last dash-separated part of the durable name
for file in consumers/*.json; do
  durable=$(basename "$file" .json)
  stream=$(tr '[:lower:]' '[:upper:]' <<<"${durable##*-}")
  if nats consumer info "$stream" "$durable" >/dev/null 2>&1; then echo "consumer $stream/$durable: exists"; else nats consumer add "$stream" "$durable" --config "$file" >/dev/null && echo "consumer $stream/$durable: created"; fi
done

# kv.json, spelled out as flags (nats kv add has no --config)
nats kv info idempotency >/dev/null 2>&1 && echo "kv idempotency: exists" || { nats kv add idempotency --history 1 --ttl 24h --storage file --replicas 1 >/dev/null && echo "kv idempotency: created"; }
nats kv info reservations >/dev/null 2>&1 && echo "kv reservations: exists" || { nats kv add reservations --history 1 --ttl 24h --storage file --replicas 1 >/dev/null && echo "kv reservations: created"; }
