#!/usr/bin/env bash
# Finds (or builds) the Temporal CLI that runs the local dev server, and prints its path on stdout.
# Progress and diagnostics go to stderr so callers can do: TEMPORAL_CLI_PATH="$(bash scripts/provision-temporal.sh)".
#
# Routes, first that works wins:
#   1. $TEMPORAL_CLI_PATH (the user said which binary to use)
#   2. `temporal` on PATH
#   3. a cached build in ${XDG_CACHE_HOME:-$HOME/.cache}/commerce-upgrade-orchestrator/temporal-cli-<version>/temporal
#      (outside the checkout, so a fresh clone such as CI's finds it)
#   4. `go install github.com/temporalio/cli/cmd/temporal@v<version>` into that cache
#   5. nothing printed, exit 0: the Temporal SDK downloads the CLI itself (only where its download site is reachable)
# When all of them fail it prints one message naming what was tried and exits 1.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="$(tr -d '[:space:]' < "$here/temporal-version")"
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/commerce-upgrade-orchestrator/temporal-cli-$version"
cached="$cache_dir/temporal"
say() { echo "provision-temporal: $*" >&2; }
tried=()

if [[ -n "${TEMPORAL_CLI_PATH:-}" ]]; then
  if [[ -x "$TEMPORAL_CLI_PATH" ]]; then
    say "using TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH"
    echo "$TEMPORAL_CLI_PATH"
    exit 0
  fi
  # A wrong explicit path is a mistake to report, not something to silently route around.
  say "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not an executable file; fix or unset it."
  exit 1
fi

if on_path="$(command -v temporal 2>/dev/null)"; then
  say "using temporal on PATH: $on_path"
  echo "$on_path"
  exit 0
fi
tried+=("'temporal' on PATH: not found")

if [[ -x "$cached" ]]; then
  say "using cached build $cached"
  echo "$cached"
  exit 0
fi
tried+=("cached build $cached: not there")

if command -v go >/dev/null 2>&1; then
  say "building Temporal CLI v$version with $(go version) into $cache_dir (first time only; takes several minutes)"
  mkdir -p "$cache_dir"
  # Build into a temp GOBIN and move into place, so an interrupted build never leaves a half-written binary.
  tmp_bin="$(mktemp -d "$cache_dir/.build.XXXXXX")"
  trap 'rm -rf "$tmp_bin"' EXIT
  started=$SECONDS
  if GOBIN="$tmp_bin" GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install -v "github.com/temporalio/cli/cmd/temporal@v$version" >&2; then
    mv "$tmp_bin/temporal" "$cached"
    say "built $cached in $((SECONDS - started)) s"
    echo "$cached"
    exit 0
  fi
  tried+=("go install github.com/temporalio/cli/cmd/temporal@v$version: failed (see the output above)")
else
  tried+=("go install: Go is not installed")
fi

# The SDK fetches the CLI from temporal.download at run time; only worth deferring to when that site answers.
if command -v curl >/dev/null 2>&1 && curl -fsS -o /dev/null --max-time 5 -I "https://temporal.download/cli/default" 2>/dev/null; then
  say "no local Temporal CLI; the Temporal SDK's own download will be tried when the server starts"
  exit 0
fi
tried+=("the Temporal SDK's download (temporal.download): not reachable")

{
  echo "provision-temporal: cannot find or build the Temporal CLI v$version. Tried:"
  for t in "${tried[@]}"; do echo "  - $t"; done
  echo "Fix: install Go (https://go.dev/dl/) so this script can build it, or install the Temporal CLI yourself and"
  echo "     set TEMPORAL_CLI_PATH=/path/to/temporal (or put 'temporal' on PATH), then run the command again."
} >&2
exit 1
