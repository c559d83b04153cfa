#!/usr/bin/env bash
# The web UI's checks, as `make test` runs them on a fresh machine:
# install (npm ci, when package-lock.json changed), fail when the generated API client is stale, type check, lint, component
# tests (Vitest), build into src/caja_server/static, and browser tests (Playwright driving
# Debian's Chromium against a real caja-server).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}

if [ ! -x "$CHROMIUM" ]; then
  echo "installing Debian's chromium for the browser tests"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

cd frontend
# npm ci, unless node_modules is from this package-lock.json already (hatch_build.py).
python3 "$ROOT/hatch_build.py" --deps

echo "== the generated API client matches the server's OpenAPI document"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$ROOT/.venv/bin/caja-server" openapi > "$tmp/openapi.json"
npx openapi-typescript "$tmp/openapi.json" -o "$tmp/schema.ts" >/dev/null
if ! diff -q openapi.json "$tmp/openapi.json" >/dev/null || ! diff -q src/api/schema.ts "$tmp/schema.ts" >/dev/null; then
  diff -u src/api/schema.ts "$tmp/schema.ts" | head -40 || true
  echo "The generated API client is stale: run 'cd frontend && npm run gen:api' and commit openapi.json and src/api/schema.ts." >&2
  exit 1
fi

echo "== type check"
npm run -s typecheck
echo "== lint"
npm run -s lint
echo "== component tests"
npx vitest run
echo "== build (skipped when frontend/ is unchanged since the last build; the wheel reuses it)"
python3 "$ROOT/hatch_build.py" --no-typecheck
echo "== browser tests"
CHROMIUM_PATH="$CHROMIUM" CAJA_SERVER_BIN="$ROOT/.venv/bin/caja-server" npx playwright test
