#!/usr/bin/env bash
# Resident memory of the release server under a login burst.
#
# Usage: apps/portico/benches/load/rss.sh [BINARY] [PORT]
# (default: target/release/portico, port 18091; needs wrk and curl).
# Starts the server on a fresh SQLite data folder, registers one account, runs three
# rounds of 5 s of logins at 4 connections with wrk, and prints VmRSS and VmHWM from
# /proc after each round and after 10 s idle.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-target/release/portico}
port=${2:-18091}
data=$(mktemp -d)
PORTICO_DATA_DIR=$data PORTICO_LISTEN=127.0.0.1:$port "$bin" serve >/dev/null 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
until curl -sf "127.0.0.1:$port/readyz" >/dev/null; do sleep 0.05; done
rss() { awk '/VmRSS|VmHWM/ {printf "%s %d MiB  ", $1, $2/1024}' "/proc/$pid/status"; echo; }
echo -n "fresh:          "; rss
curl -s -o /dev/null -X POST "127.0.0.1:$port/v1/accounts" -H 'content-type: application/json' \
  -d '{"username":"bench","email":"bench@example.com","password":"violet tractor sings","first_name":"B","last_name":"B"}'
for round in 1 2 3; do
  rate=$(wrk -t2 -c4 -d5s -s "$here/login.lua" "http://127.0.0.1:$port/v1/sessions" | awk '/Requests\/sec/ {print $2}')
  echo -n "round $round: $rate logins/s, "; rss
done
sleep 10
echo -n "idle 10 s:      "; rss
