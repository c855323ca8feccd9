#!/usr/bin/env bash
# Installs the system packages Homeport needs (`start`) or its tests need too (`test`), once:
# as root through apt-get, otherwise through sudo when it may run without a password; else it
# prints the one command to run and fails. Debian and Ubuntu only (apt-get).
set -euo pipefail
mode="${1:-start}"

start_packages=(postgresql caddy python3 python3-venv ca-certificates procps openssl)
test_packages=(chromium pebble gnupg poppler-utils systemd)
# Each package is checked by a command it installs, so a machine that has them asks nothing.
declare -A provides=(
  [postgresql]="" [caddy]=caddy [python3]=python3 [python3-venv]="" [ca-certificates]="" [procps]=ps
  [openssl]=openssl [chromium]=chromium [pebble]=pebble [gnupg]=gpg [poppler-utils]=pdftotext [systemd]=systemd-analyze
)

packages=()
for package in "${start_packages[@]}"; do
  # An external PostgreSQL or a Caddy of the operator's own needs no package.
  [ "$package" = postgresql ] && [ -n "${DATABASE_URL:-}" ] && continue
  [ "$package" = caddy ] && [ -n "${HOMEPORT_CADDY:-}" ] && continue
  packages+=("$package")
done
if [ "$mode" = test ]; then packages+=("${test_packages[@]}"); fi

missing=()
for package in "${packages[@]}"; do
  command_name="${provides[$package]}"
  if [ -n "$command_name" ]; then
    command -v "$command_name" >/dev/null 2>&1 || missing+=("$package")
  else
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "homeport: install these packages with your system's package manager: ${missing[*]}" >&2
    exit 1
  fi
  if [ "$(id -u)" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    echo "homeport: these system packages are missing; install them, then run this again:" >&2
    echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "homeport: installing system packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq >&2
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Where an init system runs, Debian starts system-wide PostgreSQL and Caddy; Homeport runs its own.
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    for service in postgresql caddy; do
      case " ${missing[*]} " in *" $service "*) "${as_root[@]}" systemctl disable --now "$service" >/dev/null 2>&1 || true ;; esac
    done
  fi
fi

# Calls: the LiveKit media server, built with Go (>= 1.22) once per machine into a cache outside
# the repository (the path config.ts looks at when HOMEPORT_LIVEKIT is not set).
livekit_version=v1.13.5
find_go() {
  go_bin="$(command -v go || true)"
  [ -z "$go_bin" ] && [ -x /usr/local/go/bin/go ] && go_bin=/usr/local/go/bin/go
  go_minor="$([ -n "$go_bin" ] && "$go_bin" env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
  if [ -z "$go_bin" ] || [ "${go_minor:-0}" -lt 22 ]; then
    echo "homeport: $1 needs Go >= 1.22 (not found): install Go, or $2" >&2
    exit 1
  fi
}
if [ "${HOMEPORT_CALLS:-true}" != false ] && [ -z "${HOMEPORT_LIVEKIT:-}" ]; then
  cache=/var/cache/homeport
  [ "$(id -u)" -eq 0 ] || cache="$HOME/.cache/homeport"
  [ "$(id -u)" -ne 0 ] && [ -x "/var/cache/homeport/livekit-$livekit_version/bin/server" ] && cache=/var/cache/homeport
  if [ ! -x "$cache/livekit-$livekit_version/bin/server" ]; then
    find_go "LiveKit (calls)" "set HOMEPORT_LIVEKIT to a LiveKit server binary, or HOMEPORT_CALLS=false"
    echo "homeport: building LiveKit $livekit_version with $("$go_bin" version | cut -d' ' -f3) into $cache (once, about 2 minutes)" >&2
    mkdir -p "$cache"
    GOPATH="$cache/go" GOCACHE="$cache/go-build" GOBIN="$cache/livekit-$livekit_version/bin" GOFLAGS=-modcacherw \
      "$go_bin" install "github.com/livekit/livekit-server/cmd/server@$livekit_version" >&2
  fi
fi

[ "$mode" = test ] || exit 0

# Card payments are tested against Stripe's official stripe-mock, built with Go (>= 1.22) once per machine.
stripe_mock_version=v0.203.0
if [ -z "${STRIPE_MOCK:-}" ] && ! command -v stripe-mock >/dev/null 2>&1 && [ ! -x "$HOME/go/bin/stripe-mock" ]; then
  find_go "the tests' stripe-mock" "set STRIPE_MOCK to a stripe-mock binary"
  target="$HOME/go/bin"
  [ "$(id -u)" -eq 0 ] && target=/usr/local/bin
  echo "homeport: building stripe-mock $stripe_mock_version with $("$go_bin" version | cut -d' ' -f3) into $target (once)" >&2
  GOBIN="$target" "$go_bin" install "github.com/stripe/stripe-mock@$stripe_mock_version" >&2
fi

# Backups to an S3-compatible store are tested against moto's server, in its own venv (.cache/moto-venv).
"$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/install-moto.sh" >/dev/null
