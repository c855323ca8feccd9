#!/usr/bin/env bash
# Installs moto's S3-compatible server (the object store of test/integration/s3-backups.test.ts)
# into its own virtual environment, once: .cache/moto-venv, or MOTO_VENV. Prints the venv's path.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="5.2.5"
venv="${MOTO_VENV:-$here/.cache/moto-venv}"
installed="$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null || true)"
if [ "$installed" != "$version" ] || [ ! -x "$venv/bin/moto_server" ]; then
  echo "installing moto[server] $version into $venv" >&2
  "${PYTHON:-python3}" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$version" >&2
fi
echo "$venv"
