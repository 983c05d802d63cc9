#!/usr/bin/env bash
# `npm test`: installs deps on a fresh clone, provisions the Temporal CLI for the integration tests' dev server,
# then runs every jest project (unit, adapters, integration). Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/ensure-deps.sh
# The page tests drive Debian's Chromium (test/support/browser.ts). As root (CI) it is installed where missing;
# elsewhere the tests say how to get it (or point CHROMIUM_PATH at one).
if [[ -z "${CHROMIUM_PATH:-}" && ! -x /usr/bin/chromium && "$(id -u)" == 0 ]] && command -v apt-get > /dev/null; then
  echo "Installing Chromium for the page tests (apt-get install -y chromium)..." >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2
fi
# An empty result means the SDK downloads the CLI itself (test/harness/global-setup.ts handles that case).
TEMPORAL_CLI_PATH="$(bash scripts/provision-temporal.sh)" || exit 1
export TEMPORAL_CLI_PATH
exec npx jest "$@"
