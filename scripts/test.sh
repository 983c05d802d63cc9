#!/usr/bin/env bash
# `npm test`: installs deps on a fresh clone, provisions the Temporal CLI for the integration tests' dev server,
# then runs every jest project (unit, adapters, integration). Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/ensure-deps.sh
# An empty result means the SDK downloads the CLI itself (test/harness/global-setup.ts handles that case).
TEMPORAL_CLI_PATH="$(bash scripts/provision-temporal.sh)" || exit 1
export TEMPORAL_CLI_PATH
exec npx jest "$@"
