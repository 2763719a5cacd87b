#!/usr/bin/env bash
# Resident memory of the release server through a minute of mixed load.
#
# Usage: apps/portico/benches/load/rss_mixed.sh [BINARY] [PORT]
# (default: target/release/portico, port 18092; needs wrk, curl and jq).
# On a fresh SQLite data folder: 20 s of logins at 4 connections, 20 s of profile
# reads at 64 connections, 20 s of registrations at 4 connections (each hashes a
# password and queues a welcome mail, written as .eml files), printing VmRSS and VmHWM
# (the peak) after each phase and after a minute idle, and the peak of RssAnon (the
# memory the process itself allocated, without the executable's and libraries' file
# pages), sampled every 100 ms.
set -eu
for tool in wrk curl jq; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install -y wrk curl jq)" >&2; exit 1; }
done
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-target/release/portico}
port=${2:-18092}
data=$(mktemp -d)
PORTICO_DATA_DIR=$data PORTICO_LISTEN=127.0.0.1:$port PORTICO_REGISTRATIONS_PER_HOUR=100000 \
  "$bin" serve >/dev/null 2>&1 &
pid=$!
peak=$(mktemp)
echo 0 >"$peak"
sampler=
trap 'kill $sampler 2>/dev/null; kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data" "$peak"' EXIT
until curl -sf "127.0.0.1:$port/readyz" >/dev/null; do sleep 0.05; done
# The highest RssAnon seen so far, in KiB, kept in $peak.
while kill -0 "$pid" 2>/dev/null; do
  anon=$(awk '/RssAnon/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  [ "${anon:-0}" -gt "$(cat "$peak")" ] && echo "$anon" >"$peak.new" && mv "$peak.new" "$peak"
  sleep 0.1
done &
sampler=$!
sleep 0.3
rss() {
  awk '/VmRSS|VmHWM|RssAnon|RssFile/ {printf "%s %d MiB  ", $1, $2/1024}' "/proc/$pid/status"
  echo "peak RssAnon: $(( $(cat "$peak") / 1024 )) MiB"
}
rate() { awk '/Requests\/sec/ {r=$2} /Non-2xx/ {e=$5} END {printf "%s req/s, non-2xx %s, ", r, (e==""?0:e)}'; }
echo -n "fresh:                 "; rss
curl -s -o /dev/null -X POST "127.0.0.1:$port/v1/accounts" -H 'content-type: application/json' \
  -d '{"username":"bench","email":"bench@example.com","password":"violet tractor sings","first_name":"B","last_name":"B"}'
echo -n "logins, 4 conns:       "
wrk -t2 -c4 -d20s -s "$here/login.lua" "http://127.0.0.1:$port/v1/sessions" | rate; rss
token=$(curl -s -X POST "127.0.0.1:$port/v1/sessions" -H 'content-type: application/json' \
  -d '{"login":"bench","password":"violet tractor sings"}' | jq -r .token)
echo -n "reads, 64 conns:       "
wrk -t2 -c64 -d20s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/v1/me/profile" | rate; rss
echo -n "registrations, 4 conns: "
wrk -t2 -c4 -d20s -s "$here/register.lua" "http://127.0.0.1:$port/v1/accounts" | rate; rss
sleep "${IDLE_SECONDS:-60}"
echo -n "idle ${IDLE_SECONDS:-60} s:             "; rss
