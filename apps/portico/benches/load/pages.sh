#!/usr/bin/env bash
# The client area's pages beside the JSON reads of the same data, on the release
# server: GET /account/profile against GET /v1/me/profile, and GET /account/messages
# against GET /v1/me/messages (the email history's first page, 12 messages).
#
# Usage: apps/portico/benches/load/pages.sh [BINARY] [PORT] [DATABASE_URL]
# (default: target/release/portico, port 18098, the SQLite default; needs wrk, curl
# and jq; SECONDS_EACH=10 by default). One connection gives the server's own time
# (median), 32 connections the p99 under load; all four in one run, one server.
set -eu
for tool in wrk curl jq; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install -y wrk curl jq)" >&2; exit 1; }
done
bin=${1:-target/release/portico}
port=${2:-18098}
seconds=${SECONDS_EACH:-10}
[ -n "${3:-}" ] && export PORTICO_DATABASE_URL=$3
data=$(mktemp -d)
env PORTICO_DATA_DIR="$data" PORTICO_LISTEN=127.0.0.1:$port "$bin" serve >/dev/null 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
until curl -sf "127.0.0.1:$port/readyz" >/dev/null; do sleep 0.05; done
api() { curl -s -X "$1" "127.0.0.1:$port$2" -H 'content-type: application/json' ${token:+-H "Authorization: Bearer $token"} -d "$3"; }
api POST /v1/accounts '{"username":"reader","email":"reader@example.com","password":"violet tractor sings","first_name":"R","last_name":"R"}' >/dev/null
token=$(api POST /v1/sessions '{"login":"reader","password":"violet tractor sings"}' | jq -r .token)
# Some mail for the history: a verification mail per added address.
for n in $(seq 1 11); do
  id=$(api POST /v1/me/emails "{\"address\":\"reader$n@example.com\"}" | jq -r .id)
  api DELETE "/v1/me/emails/$id" '' >/dev/null
done

# measure LABEL CONNECTIONS PATH HEADER
measure() {
  wrk -t1 -c"$2" -d"${seconds}s" --latency -H "$4" "http://127.0.0.1:$port$3" \
    | awk -v p="$1" -v c="$2" '/Requests\/sec/ {r=$2} / 50%/ {m=$2} / 99%/ {l=$2} /Non-2xx/ {e=$5}
        END {printf "%-22s %2s conn  %9s req/s  median %-8s p99 %-8s non-2xx %s\n", p, c, r, m, l, (e==""?0:e)}'
}
bearer="Authorization: Bearer $token"
cookie="Cookie: portico_session=$token"
for connections in 1 32; do
  measure "JSON profile" "$connections" /v1/me/profile "$bearer"
  measure "page Profile" "$connections" /account/profile "$cookie"
  measure "JSON messages" "$connections" /v1/me/messages "$bearer"
  measure "page Email history" "$connections" /account/messages "$cookie"
done
