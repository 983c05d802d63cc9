#!/usr/bin/env bash
# `npm run dev`: everything a developer needs on a fresh clone, in one command.
#   install deps → provision the Temporal CLI → build → start the dev server (SQLite in .data/, UI on 8233, the
#   contract's search attributes, 30-day retention) → start the worker → run until Ctrl-C, which stops both.
# With TEMPORAL_ADDRESS, TEMPORAL_PROFILE or TEMPORAL_CONFIG_FILE set, no server is started: the worker connects to
# that cluster through the Temporal environment configuration.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "dev: $*" >&2; }

source scripts/ensure-deps.sh
# The dev server's ports, data folder, retention and start-up (shared with scripts/demo.sh).
source scripts/lib-temporal.sh

external=""
if [[ -n "${TEMPORAL_ADDRESS:-}${TEMPORAL_PROFILE:-}${TEMPORAL_CONFIG_FILE:-}" ]]; then
  external=1
  say "Temporal configured through the environment (TEMPORAL_ADDRESS/TEMPORAL_PROFILE/TEMPORAL_CONFIG_FILE): not starting a local server"
else
  # Empty output: no binary, but the SDK's download site answers; the SDK then runs the server (see below).
  temporal_cli="$(bash scripts/provision-temporal.sh)" || exit 1
  # Fail before building anything when the ports are taken: a clear line instead of a server stack trace.
  EXTRA_PORTS="${GATEWAY_PORT:-8234} ${GATEWAY_DEV_IDP_PORT:-8235}" require_free_ports "npm run dev" || exit 1
fi

say "building (npm run build)"
npm run --silent build >&2

worker_pid=""
gateway_pid=""
stopping=""
stop_all() {
  stopping=1
  # The gateway first (no new decisions), then the worker, so it finishes its in-flight tasks while the server is
  # still there.
  local pid
  for pid in "$gateway_pid" "$worker_pid"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  stop_pid "$temporal_server_pid"
}
trap 'say "stopping..."; stop_all; say "stopped"; exit 0' INT TERM
trap 'if [[ -z "$stopping" ]]; then stop_all; fi' EXIT

if [[ -z "$external" ]]; then
  start_temporal_dev_server "$temporal_cli"
  export TEMPORAL_ADDRESS="localhost:$GRPC_PORT" TEMPORAL_NAMESPACE=default
fi

if [[ -z "$external" ]]; then
  # Development on this machine: the worker may run a project's commands locally, reach loopback and private
  # hosts, clone repositories from the temp folder, and use seconds-long timings. A worker against a real cluster
  # gets none of this unless its operator sets it (README, "Worker settings"). Each can be overridden.
  export CUO_ALLOW_LOCAL_COMMANDS="${CUO_ALLOW_LOCAL_COMMANDS:-1}"
  export CUO_ALLOW_PRIVATE_NETWORKS="${CUO_ALLOW_PRIVATE_NETWORKS:-1}"
  export CUO_ALLOWED_HOSTS="${CUO_ALLOWED_HOSTS:-*}"
  export CUO_LOCAL_REPOSITORY_ROOTS="${CUO_LOCAL_REPOSITORY_ROOTS:-$(cd "${TMPDIR:-/tmp}" && pwd -P)}"
  export CUO_ALLOW_SHORT_TIMINGS="${CUO_ALLOW_SHORT_TIMINGS:-1}"
  say "development worker: local commands, private networks, any host and repositories under $CUO_LOCAL_REPOSITORY_ROOTS allowed"
fi

# Messages link to the gateway's task pages (the worker and the gateway read the same variable).
export GATEWAY_PUBLIC_URL="${GATEWAY_PUBLIC_URL:-http://127.0.0.1:${GATEWAY_PORT:-8234}}"
node dist/worker/main.js &
worker_pid=$!

# The approvals gateway (http://localhost:8234) with the local development login (http://127.0.0.1:8235): people
# decide through it (`cuo login`). Its signing key is made once in .data/ (mode 0600); in production it comes from
# the operator (GATEWAY_SIGNING_KEY_FILE) and the login from real identity providers (GATEWAY_OIDC_ISSUERS).
export GATEWAY_PORT="${GATEWAY_PORT:-8234}"
if [[ -z "${GATEWAY_OIDC_ISSUERS:-}" ]]; then export GATEWAY_DEV_IDP_PORT="${GATEWAY_DEV_IDP_PORT:-8235}"; fi
export GATEWAY_SIGNING_KEY_FILE="${GATEWAY_SIGNING_KEY_FILE:-$PWD/.data/gateway-signing-key.pem}"
# The task pages show the worker's artifacts; in development everybody signed in may open the board.
export GATEWAY_ARTIFACT_DIR="${GATEWAY_ARTIFACT_DIR:-$(cd "${CUO_DATA_DIR:-.data}" 2>/dev/null && pwd || echo "$PWD/.data")/artifacts}"
export GATEWAY_MANAGERS="${GATEWAY_MANAGERS:-*}"
if [[ -z "$external" ]]; then export GATEWAY_TEMPORAL_UI_URL="${GATEWAY_TEMPORAL_UI_URL:-http://localhost:$UI_PORT/namespaces/default}"; fi
node dist/client/gateway/main.js --create-key-if-missing &
gateway_pid=$!

if [[ -z "$external" ]]; then
  say "Temporal UI: http://localhost:$UI_PORT   (gRPC localhost:$GRPC_PORT). Approvals gateway: http://localhost:$GATEWAY_PORT (npx cuo login). Ctrl-C stops the gateway, the worker and the server."
else
  say "worker and approvals gateway (http://localhost:$GATEWAY_PORT) running against ${TEMPORAL_ADDRESS:-the configured profile}. Ctrl-C stops them."
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
