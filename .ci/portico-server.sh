# Starts a `portico` binary on a fresh SQLite database for the contract checks under
# `.ci/`. Source it, then call `start_portico BINARY PORT`: it makes a temporary
# folder, exports it as PORTICO_WORK (the server's data folder is its `data/`, as
# `./data` is beside a server started by hand) and PORTICO_URL, and stops the server
# and removes the folder when the calling script exits.

# A server already on the port would answer for this one: refuse to start then.
start_portico() {
  local binary="$1" port="$2"
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
    echo "port $port is taken by another server" >&2
    return 1
  fi
  PORTICO_WORK="$(mktemp -d)"
  PORTICO_URL="http://127.0.0.1:$port"
  export PORTICO_WORK PORTICO_URL
  # Only this folder's SQLite database and mail folder: never a database or mail
  # server the calling shell may point at.
  env -u PORTICO_DATABASE_URL -u PORTICO_SMTP_URL -u PORTICO_SKIP_MIGRATIONS \
    PORTICO_DATA_DIR="$PORTICO_WORK/data" PORTICO_LISTEN="127.0.0.1:$port" \
    PORTICO_PUBLIC_BASE_URL="$PORTICO_URL" \
    PORTICO_AFFILIATE_LANDING_HOSTS="127.0.0.1" \
    PORTICO_LOG_FORMAT=json \
    "$binary" serve >"$PORTICO_WORK/server.log" 2>&1 &
  PORTICO_PID=$!
  trap 'kill "$PORTICO_PID" 2>/dev/null || true; rm -rf "$PORTICO_WORK"' EXIT
  for _ in $(seq 1 100); do
    kill -0 "$PORTICO_PID" 2>/dev/null || break
    curl -fsS "$PORTICO_URL/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "portico did not start:" >&2
  cat "$PORTICO_WORK/server.log" >&2
  return 1
}

# Builds the release binary unless PORTICO_BINARY names one, and prints its path. (The
# scripts set `inherit_errexit`, so a failed build stops them inside `$(...)` too.)
portico_binary() {
  if [ -z "${PORTICO_BINARY:-}" ]; then
    cargo build --release --locked --bin portico >&2
    echo "${CARGO_TARGET_DIR:-target}/release/portico"
  else
    echo "$PORTICO_BINARY"
  fi
}

# The Python tools the contract checks use, pinned in one place: both scripts share
# one virtualenv, which is rebuilt whenever the pins differ from its own.
PYTHON_TOOLS=(schemathesis==4.32.5 openapi-python-client==0.29.1)

# Makes (once) a virtualenv under target/ holding the pinned tools, and prints its
# path.
python_tools() {
  local venv="${PORTICO_TOOLS_VENV:-${CARGO_TARGET_DIR:-target}/ci-tools}"
  if ! [ -f "$venv/.pinned" ] || [ "$(cat "$venv/.pinned")" != "${PYTHON_TOOLS[*]}" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "${PYTHON_TOOLS[@]}"
    # Written last: a failed install is tried again next time, not reused.
    echo "${PYTHON_TOOLS[*]}" >"$venv/.pinned"
  fi
  echo "$venv"
}
