# Starts a `portico` binary on a fresh SQLite database in a temporary data folder, for
# the contract checks under `.ci/`. Source it, then call `start_portico BINARY PORT`:
# it exports PORTICO_URL and PORTICO_DATA, and stops the server and removes the
# folder when the calling script exits.

start_portico() {
  local binary="$1" port="$2"
  PORTICO_DATA="$(mktemp -d)"
  PORTICO_URL="http://127.0.0.1:$port"
  export PORTICO_DATA PORTICO_URL
  PORTICO_DATA_DIR="$PORTICO_DATA" PORTICO_LISTEN="127.0.0.1:$port" \
    PORTICO_PUBLIC_BASE_URL="$PORTICO_URL" \
    PORTICO_AFFILIATE_LANDING_HOSTS="127.0.0.1" \
    PORTICO_LOG_FORMAT=json \
    "$binary" serve >"$PORTICO_DATA/server.log" 2>&1 &
  PORTICO_PID=$!
  trap 'kill "$PORTICO_PID" 2>/dev/null || true; rm -rf "$PORTICO_DATA"' EXIT
  for _ in $(seq 1 100); do
    curl -fsS "$PORTICO_URL/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "portico did not start:" >&2
  cat "$PORTICO_DATA/server.log" >&2
  return 1
}

# Builds the release binary unless PORTICO_BINARY names one, and prints its path.
portico_binary() {
  if [ -z "${PORTICO_BINARY:-}" ]; then
    cargo build --release --locked --bin portico >&2
    echo "${CARGO_TARGET_DIR:-target}/release/portico"
  else
    echo "$PORTICO_BINARY"
  fi
}

# Makes (once) a virtualenv under target/ holding the given pinned packages, and
# prints its path.
python_tools() {
  local venv="${PORTICO_TOOLS_VENV:-${CARGO_TARGET_DIR:-target}/ci-tools}"
  if ! [ -f "$venv/.pinned" ] || [ "$(cat "$venv/.pinned")" != "$*" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$@"
    echo "$*" >"$venv/.pinned"
  fi
  echo "$venv"
}
