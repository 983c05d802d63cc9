# Sourced by dev.sh and demo.sh: the local Temporal dev server exactly as `npm run dev` runs it (SQLite file in the
# data folder, gRPC on 7233, UI on 8233, the contract's search attributes, 30-day retention), kept in one place so
# the two scripts never drift apart. Callers define `say` and run with `set -euo pipefail` from the repository root.
#
#   temporal_cli="$(bash scripts/provision-temporal.sh)"   # empty: the SDK downloads the CLI itself
#   require_free_ports || exit 1
#   start_temporal_dev_server "$temporal_cli"              # sets temporal_server_pid; exits the script on failure
#   stop_pid "$temporal_server_pid"

GRPC_PORT=7233
UI_PORT=8233
RETENTION=30d
DATA_DIR="${CUO_DATA_DIR:-.data}"
temporal_server_pid=""

# The helper scripts (search attributes, SDK fallback server) from the build when there is one, else from the
# TypeScript source through tsx. TEMPORAL_LIB_FROM_SOURCE=1 forces the source (the demo does not build).
# Sets the array node_script_cmd, e.g. (node dist/scripts/search-attribute-flags.js).
node_script() {
  if [[ -z "${TEMPORAL_LIB_FROM_SOURCE:-}" && -f "dist/scripts/$1.js" ]]; then
    node_script_cmd=(node "dist/scripts/$1.js")
  else
    node_script_cmd=(node -r tsx/cjs "scripts/$1.ts")
  fi
}

# The server runs in its own session, so the terminal's Ctrl-C reaches only the foreground processes: the calling
# script stops the server itself, after the processes that still talk to it (worker, demo) are done. setsid execs
# the command in place (a background child is never a group leader), so $! stays the server's pid.
detach=()
if command -v setsid >/dev/null 2>&1; then detach=(setsid); fi

# A bind test, not a connect test: it also catches listeners on ::1 only and ports held but not yet accepting.
port_free() {
  node -e 'const s = require("node:net").createServer();
    s.once("error", () => process.exit(1));
    s.listen({ port: Number(process.argv[1]), host: "localhost" }, () => s.close(() => process.exit(0)));' "$1"
}

# Fails with a clear line instead of a server stack trace when 7233 or 8233 is taken. $1: the command to suggest.
require_free_ports() {
  local port
  for port in "$GRPC_PORT" "$UI_PORT" ${EXTRA_PORTS:-}; do
    if ! port_free "$port"; then
      say "port $port is already in use (is another 'npm run dev' or Temporal server running?)."
      say "Stop that process (e.g. 'lsof -i :$port' or 'ss -ltnp | grep $port' shows it), or use that server with TEMPORAL_ADDRESS=localhost:$GRPC_PORT ${1:-npm run dev}."
      return 1
    fi
  done
}

# Exit 0 when a Temporal frontend answers at host:port (a real gRPC call, not just an open port).
temporal_answers() {
  node -e 'const { Connection } = require("@temporalio/client");
    Connection.connect({ address: process.argv[1], connectTimeout: 2000 })
      .then(async (c) => { try { await c.workflowService.getSystemInfo({}); } finally { await c.close(); } })
      .then(() => process.exit(0), () => process.exit(1));' "$1" 2>/dev/null
}

# Starts the dev server in the background (temporal_server_pid), waits until it answers, sets the retention.
# $1: the Temporal CLI path, or empty to let the SDK download and run the CLI.
start_temporal_dev_server() {
  local temporal_cli="$1"
  mkdir -p "$DATA_DIR"
  local server_log="$DATA_DIR/temporal-server.log"
  if [[ -z "$temporal_cli" ]]; then
    local download_dir="${XDG_CACHE_HOME:-$HOME/.cache}/commerce-upgrade-orchestrator/sdk-download"
    mkdir -p "$download_dir"
    say "starting the Temporal dev server through the SDK's download (into $download_dir), log $server_log"
    : >"$server_log"
    node_script sdk-dev-server
    "${detach[@]}" "${node_script_cmd[@]}" "$DATA_DIR/temporal.sqlite" "$GRPC_PORT" "$UI_PORT" "$download_dir" >>"$server_log" 2>&1 &
    temporal_server_pid=$!
    until grep -qx ready "$server_log"; do
      if ! kill -0 "$temporal_server_pid" 2>/dev/null; then
        say "the SDK could not start the Temporal dev server; last lines of $server_log:"
        tail -n 20 "$server_log" >&2
        say "Fix: install Go and run again, or set TEMPORAL_CLI_PATH=/path/to/temporal"
        exit 1
      fi
      sleep 0.5
    done
    return 0
  fi
  local sa_args
  node_script search-attribute-flags
  mapfile -t sa_args < <("${node_script_cmd[@]}")
  say "starting Temporal dev server ($temporal_cli), database $DATA_DIR/temporal.sqlite, log $server_log"
  "${detach[@]}" "$temporal_cli" server start-dev \
    --db-filename "$DATA_DIR/temporal.sqlite" --port "$GRPC_PORT" --ui-port "$UI_PORT" \
    "${sa_args[@]}" >>"$server_log" 2>&1 &
  temporal_server_pid=$!
  # Talk to exactly the server we started, whatever the user's own temporal CLI profile says.
  local cli_conn=(--address "localhost:$GRPC_PORT" --namespace default --disable-config-file --disable-config-env)
  local healthy=""
  for _ in $(seq 1 120); do
    if ! kill -0 "$temporal_server_pid" 2>/dev/null; then
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
  local retention
  retention="$("$temporal_cli" operator namespace describe "${cli_conn[@]}" -o json | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const ttl = JSON.parse(s).config?.workflowExecutionRetentionTtl ?? "0s";
      process.stdout.write(String(Math.round(parseFloat(ttl) / 86400)));
    });')"
  if ((retention < 30)); then
    say "namespace retention is $retention days after the update; expected at least 30"
    exit 1
  fi
  say "namespace 'default' keeps closed workflows for $retention days"
}

# SIGTERM and wait, if the process is still there.
stop_pid() {
  local pid="${1:-}"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
}
