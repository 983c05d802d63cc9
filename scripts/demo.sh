#!/usr/bin/env bash
# `npm run demo [-- --auto]`: one upgrade project against local stand-ins, to watch in the Temporal UI
# (examples/demo/README.md). Uses the Temporal server that answers at TEMPORAL_ADDRESS (default localhost:7233,
# e.g. `npm run dev` in another terminal); when none answers, starts the dev server exactly as `npm run dev` does
# (scripts/lib-temporal.sh) and stops it again on Ctrl-C. The demo itself (stand-ins, worker on task queue
# commerce-upgrades-demo, project, autopilot) is examples/demo/main.ts, run from the source: no build needed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
say() { echo "demo: $*" >&2; }

source scripts/ensure-deps.sh
source scripts/lib-temporal.sh
TEMPORAL_LIB_FROM_SOURCE=1

trap 'stop_pid "$temporal_server_pid"' EXIT
# Ctrl-C reaches the demo process too; it shuts its worker and stand-ins down itself, then this script goes on
# and the EXIT trap stops the server (if this script started it).
trap ':' INT TERM

address="${TEMPORAL_ADDRESS:-localhost:$GRPC_PORT}"
if temporal_answers "$address"; then
  say "using the Temporal server at $address"
elif [[ -n "${TEMPORAL_ADDRESS:-}" && -z "${TEMPORAL_PROFILE:-}${TEMPORAL_CONFIG_FILE:-}${TEMPORAL_API_KEY:-}${TEMPORAL_TLS:-}" ]]; then
  say "no Temporal server answers at TEMPORAL_ADDRESS=$TEMPORAL_ADDRESS."
  say "Start it (e.g. 'npm run dev' in another terminal), or unset TEMPORAL_ADDRESS and the demo starts the local dev server itself."
  exit 1
elif [[ -n "${TEMPORAL_ADDRESS:-}${TEMPORAL_PROFILE:-}${TEMPORAL_CONFIG_FILE:-}" ]]; then
  # A configured cluster (profile, TLS, API key) is the demo's to reach through the environment configuration;
  # it says clearly when it cannot. Never start a local server in its place.
  say "Temporal configured through the environment (TEMPORAL_ADDRESS/TEMPORAL_PROFILE/TEMPORAL_CONFIG_FILE): not starting a local server"
else
  say "no Temporal server at $address: starting the dev server as 'npm run dev' does"
  # Empty output: no binary, but the SDK's download site answers; the SDK then runs the server.
  temporal_cli="$(bash scripts/provision-temporal.sh)" || exit 1
  require_free_ports "npm run demo" || exit 1
  start_temporal_dev_server "$temporal_cli"
  export TEMPORAL_ADDRESS="localhost:$GRPC_PORT" TEMPORAL_NAMESPACE=default
  say "Temporal UI: http://localhost:$UI_PORT (the server stops with the demo; 'npm run dev' keeps one running)"
fi

code=0
node -r tsx/cjs examples/demo/main.ts "$@" || code=$?
exit "$code"
