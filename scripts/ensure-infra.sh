#!/usr/bin/env bash
# Makes sure the local infrastructure Checkout needs is up: PostgreSQL (127.0.0.1:5432), Redis
# (127.0.0.1:6379) and nats-server with JetStream (127.0.0.1:4222). Starts whichever is down, waits
# until it answers, and prints one line per service. Idempotent; needs no Node. Used by `npm start`,
# `npm test` and .ci/run.
#
#   bash scripts/ensure-infra.sh
#   INFRA_WAIT_SECONDS=60 bash scripts/ensure-infra.sh     # longer bound on each wait (default 30)
set -euo pipefail

readonly HOST=127.0.0.1
readonly PG_PORT=5432
readonly REDIS_PORT=6379
readonly NATS_PORT=4222
readonly WAIT_SECONDS="${INFRA_WAIT_SECONDS:-30}"

fail() {
  echo "ensure-infra: $*" >&2
  exit 1
}

need() { # need <binary> <what it is for / where to get it>
  command -v "$1" >/dev/null 2>&1 || [[ -x "$1" ]] || fail "'$1' not found: $2"
}

wait_until() { # wait_until <service name> <check function>
  local name=$1 check=$2 deadline=$((SECONDS + WAIT_SECONDS))
  until "$check"; do
    ((SECONDS < deadline)) || fail "$name did not come up within ${WAIT_SECONDS}s (see its log; INFRA_WAIT_SECONDS to wait longer)"
    sleep 0.5
  done
}

# --- PostgreSQL -----------------------------------------------------------------------------------
postgres_up() { pg_isready -q -h "$HOST" -p "$PG_PORT" >/dev/null 2>&1; }

ensure_postgres() {
  need pg_isready "install the PostgreSQL client (apt-get install postgresql-client)"
  if postgres_up; then
    echo "postgresql  127.0.0.1:$PG_PORT  already running"
    return
  fi
  need pg_ctlcluster "install PostgreSQL 15 (apt-get install postgresql), or start your own on $HOST:$PG_PORT"
  local version
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  [[ -n "$version" ]] || fail "no PostgreSQL cluster under /etc/postgresql (apt-get install postgresql)"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start ||
    fail "could not start PostgreSQL $version/main (run as root or as the postgres user; see /var/log/postgresql/)"
  wait_until "PostgreSQL" postgres_up
  echo "postgresql  127.0.0.1:$PG_PORT  started ($version/main)"
}

# --- Redis ----------------------------------------------------------------------------------------
redis_up() { [[ "$(redis-cli -h "$HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == "PONG" ]]; }

ensure_redis() {
  need redis-cli "install Redis 7 (apt-get install redis-server)"
  if redis_up; then
    echo "redis       127.0.0.1:$REDIS_PORT  already running"
    return
  fi
  need redis-server "install Redis 7 (apt-get install redis-server)"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log >/dev/null ||
    fail "could not start redis-server (see /var/log/redis/ci.log)"
  wait_until "Redis" redis_up
  echo "redis       127.0.0.1:$REDIS_PORT  started"
}

# --- NATS with JetStream ----------------------------------------------------------------------------
# A NATS server greets every new connection with `INFO {...}`; with JetStream on, that JSON carries
# "jetstream":true. Read that one line over bash's /dev/tcp, with a short timeout.
nats_info() {
  timeout 3 bash -c "exec 3<>/dev/tcp/$HOST/$NATS_PORT && IFS= read -r -t 2 line <&3 && printf '%s\n' \"\$line\"" 2>/dev/null
}
nats_up() { nats_info | grep -q '"jetstream":true'; }

ensure_nats() {
  local info
  info=$(nats_info || true)
  if [[ "$info" == *'"jetstream":true'* ]]; then
    echo "nats-server 127.0.0.1:$NATS_PORT  already running (JetStream on)"
    return
  fi
  if [[ "$info" == INFO* ]]; then
    fail "a NATS server answers on $HOST:$NATS_PORT but JetStream is off: restart it with -js (e.g. -js -sd /var/lib/nats-server)"
  fi
  need /usr/sbin/nats-server "install nats-server 2.9+ (https://github.com/nats-io/nats-server/releases, or apt-get install nats-server)"
  need start-stop-daemon "start-stop-daemon (Debian package dpkg) is needed to start nats-server in the background"
  mkdir -p /var/lib/nats-server
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p "$NATS_PORT" -js -sd /var/lib/nats-server -l /var/log/nats-server.log ||
    fail "could not start nats-server (see /var/log/nats-server.log)"
  wait_until "nats-server (JetStream)" nats_up
  echo "nats-server 127.0.0.1:$NATS_PORT  started (JetStream on, store /var/lib/nats-server)"
}

ensure_postgres
ensure_redis
ensure_nats
