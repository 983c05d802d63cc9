#!/usr/bin/env bash
# `npm run dev`: everything a developer needs on a fresh clone, in one command.
#   install deps → provision the Temporal CLI → build → start the dev server (SQLite in .data/, UI on 8233, the
#   contract's search attributes, 30-day retention) → start the worker → run until Ctrl-C, which stops both.
# With TEMPORAL_ADDRESS, TEMPORAL_PROFILE or TEMPORAL_CONFIG_FILE set, no server is started: the worker connects to
# that cluster through the Temporal environment configuration.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

GRPC_PORT=7233
UI_PORT=8233
RETENTION=30d
DATA_DIR="${CUO_DATA_DIR:-.data}"
say() { echo "dev: $*" >&2; }

source scripts/ensure-deps.sh

# A bind test, not a connect test: it also catches listeners on ::1 only and ports held but not yet accepting.
port_free() {
  node -e 'const s = require("node:net").createServer();
    s.once("error", () => process.exit(1));
    s.listen({ port: Number(process.argv[1]), host: "localhost" }, () => s.close(() => process.exit(0)));' "$1"
}

external=""
if [[ -n "${TEMPORAL_ADDRESS:-}${TEMPORAL_PROFILE:-}${TEMPORAL_CONFIG_FILE:-}" ]]; then
  external=1
  say "Temporal configured through the environment (TEMPORAL_ADDRESS/TEMPORAL_PROFILE/TEMPORAL_CONFIG_FILE): not starting a local server"
else
  # Empty output: no binary, but the SDK's download site answers; the SDK then runs the server (see below).
  temporal_cli="$(bash scripts/provision-temporal.sh)" || exit 1
  # Fail before building anything when the ports are taken: a clear line instead of a server stack trace.
  for port in "$GRPC_PORT" "$UI_PORT"; do
    if ! port_free "$port"; then
      say "port $port is already in use (is another 'npm run dev' or Temporal server running?)."
      say "Stop that process (e.g. 'lsof -i :$port' or 'ss -ltnp | grep $port' shows it), or use that server with TEMPORAL_ADDRESS=localhost:$GRPC_PORT npm run dev."
      exit 1
    fi
  done
fi

say "building (npm run build)"
npm run --silent build >&2

server_pid=""
worker_pid=""
stopping=""
stop_all() {
  stopping=1
  # The worker first, so it finishes its in-flight tasks while the server is still there.
  if [[ -n "$worker_pid" ]] && kill -0 "$worker_pid" 2>/dev/null; then
    kill -TERM "$worker_pid" 2>/dev/null || true
    wait "$worker_pid" 2>/dev/null || true
  fi
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
}
trap 'say "stopping..."; stop_all; say "stopped"; exit 0' INT TERM
trap 'if [[ -z "$stopping" ]]; then stop_all; fi' EXIT

if [[ -z "$external" ]]; then
  mkdir -p "$DATA_DIR"
  server_log="$DATA_DIR/temporal-server.log"
  if [[ -z "$temporal_cli" ]]; then
    download_dir="${XDG_CACHE_HOME:-$HOME/.cache}/commerce-upgrade-orchestrator/sdk-download"
    mkdir -p "$download_dir"
    say "starting the Temporal dev server through the SDK's download (into $download_dir), log $server_log"
    : >"$server_log"
    node dist/scripts/sdk-dev-server.js "$DATA_DIR/temporal.sqlite" "$GRPC_PORT" "$UI_PORT" "$download_dir" >>"$server_log" 2>&1 &
    server_pid=$!
    until grep -qx ready "$server_log"; do
      if ! kill -0 "$server_pid" 2>/dev/null; then
        say "the SDK could not start the Temporal dev server; last lines of $server_log:"
        tail -n 20 "$server_log" >&2
        say "Fix: install Go and run again, or set TEMPORAL_CLI_PATH=/path/to/temporal"
        exit 1
      fi
      sleep 0.5
    done
  else
    mapfile -t sa_args < <(node dist/scripts/search-attribute-flags.js)
    say "starting Temporal dev server ($temporal_cli), database $DATA_DIR/temporal.sqlite, log $server_log"
    "$temporal_cli" server start-dev \
      --db-filename "$DATA_DIR/temporal.sqlite" --port "$GRPC_PORT" --ui-port "$UI_PORT" \
      "${sa_args[@]}" >>"$server_log" 2>&1 &
    server_pid=$!
    # Talk to exactly the server we started, whatever the user's own temporal CLI profile says.
    cli_conn=(--address "localhost:$GRPC_PORT" --namespace default --disable-config-file --disable-config-env)
    healthy=""
    for _ in $(seq 1 120); do
      if ! kill -0 "$server_pid" 2>/dev/null; then
        say "the Temporal dev server exited at start; last lines of $server_log:"
        tail -n 20 "$server_log" >&2
        exit 1
      fi
      if "$temporal_cli" operator cluster health --address "localhost:$GRPC_PORT" --disable-config-file --disable-config-env >/dev/null 2>&1; then
        healthy=1
        break
      fi
      sleep 0.5
    done
    if [[ -z "$healthy" ]]; then
      say "the Temporal dev server did not answer on localhost:$GRPC_PORT within 60 s; see $server_log"
      exit 1
    fi
    # The dev server keeps closed workflows for one day; managers need finished projects for at least 30.
    "$temporal_cli" operator namespace update "${cli_conn[@]}" --retention "$RETENTION" >/dev/null
    retention="$("$temporal_cli" operator namespace describe "${cli_conn[@]}" -o json | node -e '
      let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
        const ttl = JSON.parse(s).config?.workflowExecutionRetentionTtl ?? "0s";
        process.stdout.write(String(Math.round(parseFloat(ttl) / 86400)));
      });')"
    if (( retention < 30 )); then
      say "namespace retention is $retention days after the update; expected at least 30"
      exit 1
    fi
    say "namespace 'default' keeps closed workflows for $retention days"
  fi
  export TEMPORAL_ADDRESS="localhost:$GRPC_PORT" TEMPORAL_NAMESPACE=default
fi

node dist/worker/main.js &
worker_pid=$!

if [[ -z "$external" ]]; then
  say "Temporal UI: http://localhost:$UI_PORT   (gRPC localhost:$GRPC_PORT). Ctrl-C stops the worker and the server."
else
  say "worker running against ${TEMPORAL_ADDRESS:-the configured profile}. Ctrl-C stops it."
fi

# Whichever exits first on its own ends the session; the trap stops the other.
set +e
wait -n
code=$?
if [[ -z "$stopping" ]]; then
  # E.g. the worker got the signal itself, or the server died: never leave the other one running.
  say "a process ended (exit code $code); stopping the rest"
  stop_all
  exit "$code"
fi
