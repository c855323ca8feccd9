#!/usr/bin/env bash
# Builds the control panel into dist/web when it is missing or older than its sources. Source node-env first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
built=dist/web/index.html
if [ ! -f "$built" ] || [ -n "$(find src/web vite.config.ts package-lock.json -newer "$built" -print -quit)" ]; then
  echo "homeport: building the control panel (npm run build:web)" >&2
  npm run --silent build:web >&2
fi
