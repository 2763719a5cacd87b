#!/usr/bin/env bash
# Authenticated reads against a database round trip, on the release server.
#
# Usage: apps/portico/benches/load/reads.sh [BINARY] [PORT] [DATABASE_URL]
# (default: target/release/portico, port 18097, the SQLite default; needs wrk, curl
# and jq; CONNECTIONS=64 and SECONDS_EACH=10 by default). Registers one account, logs
# in, then runs wrk on GET /healthz, GET /readyz (one database round trip),
# GET /v1/me/profile and GET /v1/me/messages (the email history's first page),
# printing requests per second, p99 latency and non-2xx answers. Then it measures
# what the metrics cost: the profile read on the same server and on one started with
# PORTICO_NO_METRICS, alternating twice; and what the service spans cost: the
# default log filter (info, every domain service call in a span) against
# RUST_LOG=warn (no span enabled), alternating twice.
set -eu
for tool in wrk curl jq; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install -y wrk curl jq)" >&2; exit 1; }
done
bin=${1:-target/release/portico}
port=${2:-18097}
connections=${CONNECTIONS:-64}
seconds=${SECONDS_EACH:-10}
[ -n "${3:-}" ] && export PORTICO_DATABASE_URL=$3
pid=
data=
stop() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi
  [ -n "$data" ] && rm -rf "$data"
  pid= data=
}
trap stop EXIT

# start [ENV=VALUE...]: a fresh server with one account; sets $token.
start() {
  data=$(mktemp -d)
  env -u RUST_LOG PORTICO_DATA_DIR="$data" PORTICO_LISTEN=127.0.0.1:$port "$@" "$bin" serve >/dev/null 2>&1 &
  pid=$!
  until curl -sf "127.0.0.1:$port/readyz" >/dev/null; do sleep 0.05; done
  curl -s -o /dev/null -X POST "127.0.0.1:$port/v1/accounts" -H 'content-type: application/json' \
    -d '{"username":"reader","email":"reader@example.com","password":"violet tractor sings","first_name":"R","last_name":"R"}'
  token=$(curl -s -X POST "127.0.0.1:$port/v1/sessions" -H 'content-type: application/json' \
    -d '{"login":"reader","password":"violet tractor sings"}' | jq -r .token)
}

# measure LABEL PATH
measure() {
  wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$port$2" \
    | awk -v p="$1" '/Requests\/sec/ {r=$2} /99%/ {l=$2} /Non-2xx/ {e=$5} END {printf "%-28s %10s req/s  p99 %s  non-2xx %s\n", p, r, l, (e==""?0:e)}'
}

echo "$connections connections, ${seconds} s each"
start
for path in /healthz /readyz /v1/me/profile /v1/me/messages; do measure "$path" "$path"; done
stop
for round in 1 2; do
  start
  measure "profile, metrics on ($round)" /v1/me/profile
  stop
  start PORTICO_NO_METRICS=true
  measure "profile, metrics off ($round)" /v1/me/profile
  stop
done
for round in 1 2; do
  start
  measure "profile, spans on ($round)" /v1/me/profile
  stop
  start RUST_LOG=warn
  measure "profile, spans off ($round)" /v1/me/profile
  stop
done
