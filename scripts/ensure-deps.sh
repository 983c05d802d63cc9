# Sourced by dev.sh and test.sh: installs node_modules on a fresh clone, or again when package-lock.json changed
# since the last install (npm writes node_modules/.package-lock.json on every install).
if [[ ! -d node_modules || ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "Installing dependencies (npm ci)..." >&2
  npm ci --no-audit --no-fund >&2
fi

# The page tests drive Debian's Chromium (test/support/browser.ts). As root (CI) it is installed where missing;
# elsewhere the tests say how to get it (or point CHROMIUM_PATH at one).
if [[ -z "${CHROMIUM_PATH:-}" && ! -x /usr/bin/chromium && "$(id -u)" == 0 ]] && command -v apt-get > /dev/null; then
  echo "Installing Chromium for the page tests (apt-get install -y chromium)..." >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2
fi
