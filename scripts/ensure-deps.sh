# Sourced by dev.sh and test.sh: installs node_modules on a fresh clone, or again when package-lock.json changed
# since the last install (npm writes node_modules/.package-lock.json on every install).
if [[ ! -d node_modules || ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "Installing dependencies (npm ci)..." >&2
  npm ci --no-audit --no-fund >&2
fi
