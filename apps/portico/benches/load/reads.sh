#!/usr/bin/env bash
# Authenticated reads against a database round trip, on the release server.
#
# Usage: apps/portico/benches/load/reads.sh [BINARY] [PORT] [DATABASE_URL]
# (default: target/release/portico, port 18097, the SQLite default; needs wrk, curl
# and jq). Registers one account, logs in, then runs wrk for 10 s at 32 connections
# on GET /healthz, GET /readyz (one database round trip) and GET /v1/me/profile
# (authentication and the read), printing requests per second and latency.
set -eu
bin=${1:-target/release/portico}
port=${2:-18097}
data=$(mktemp -d)
export PORTICO_DATA_DIR=$data PORTICO_LISTEN=127.0.0.1:$port
[ -n "${3:-}" ] && export PORTICO_DATABASE_URL=$3
"$bin" serve >/dev/null 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
until curl -sf "127.0.0.1:$port/readyz" >/dev/null; do sleep 0.05; done
curl -s -o /dev/null -X POST "127.0.0.1:$port/v1/accounts" -H 'content-type: application/json' \
  -d '{"username":"reader","email":"reader@example.com","password":"violet tractor sings","first_name":"R","last_name":"R"}'
token=$(curl -s -X POST "127.0.0.1:$port/v1/sessions" -H 'content-type: application/json' \
  -d '{"login":"reader","password":"violet tractor sings"}' | jq -r .token)
for path in /healthz /readyz /v1/me/profile; do
  wrk -t2 -c32 -d10s --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path" \
    | awk -v p="$path" '/Requests\/sec/ {r=$2} /99%/ {l=$2} /Non-2xx/ {e=$5} END {printf "%-16s %10s req/s  p99 %s  non-2xx %s\n", p, r, l, (e==""?0:e)}'
done
