#!/usr/bin/env bash
# Installs Schemathesis (the API fuzzer of test/integration/api-fuzzing.test.ts) into its own
# virtual environment, once: .cache/schemathesis-venv, or SCHEMATHESIS_VENV. Prints the venv's path.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="4.32.5"
venv="${SCHEMATHESIS_VENV:-$here/.cache/schemathesis-venv}"
if [ "$("$venv/bin/schemathesis" --version 2>/dev/null | grep -o '[0-9][0-9.]*$' || true)" != "$version" ]; then
  echo "installing schemathesis $version into $venv" >&2
  "${PYTHON:-python3}" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version" >&2
fi
echo "$venv"
