#!/usr/bin/env bash
# Builds the real Kubernetes control plane the Kubernetes tests run against (no registry ships
# these binaries): kube-apiserver, kube-controller-manager and kube-scheduler from the Go module
# proxy, kine (the API server's storage, on SQLite instead of etcd) and kwok (fake nodes, so pods
# report Running without a container runtime), and helm (the deploy chart's test renders it).
# Once per machine, into a cache outside the repository; a binary already there is not built again
# (a fresh build takes about a quarter of an hour on two cores). Prints the folder holding the binaries.
# With --bin-dir it only prints that folder, and fails unless every control-plane binary is
# already there (the chart's test looks for helm itself).
# With --background it builds what is missing in the background, at low priority, logging to
# <cache>/kubernetes-v<version>/build.log, and returns at once: `./homeport test` and `.ci/run`
# start it first, so the build overlaps their other work; the Kubernetes tests then run this
# script without arguments, which waits for that build (the lock below) and builds whatever it
# left missing.
#
# Cache: HOMEPORT_TOOLS_CACHE, else /var/cache/homeport as root, else ~/.cache/homeport.
set -euo pipefail
kubernetes_version="1.37.2"
kine_version="0.17.5"
kwok_version="0.8.0"
helm_version="4.3.2"

if [ -n "${HOMEPORT_TOOLS_CACHE:-}" ]; then
  cache="$HOMEPORT_TOOLS_CACHE"
elif [ "$(id -u)" = 0 ]; then
  cache=/var/cache/homeport
else
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/homeport"
fi
tools="$cache/kubernetes-v$kubernetes_version"
bin="$tools/bin"
binaries=(kube-apiserver kube-controller-manager kube-scheduler kine kwok)
# kwok alone simulates nothing until it is given stages: those kwokctl gives it by default.
kwok_stages="$bin/kwok-stages.yaml"
built() { for name in "$@"; do [ -x "$bin/$name" ] || return 1; done; }
if [ "${1:-}" = "--bin-dir" ]; then
  echo "$bin"
  built "${binaries[@]}" && [ -f "$kwok_stages" ]
  exit
fi
mkdir -p "$bin"
if [ "${1:-}" = "--background" ]; then
  if built "${binaries[@]}" helm && [ -f "$kwok_stages" ]; then echo "$bin"; exit; fi
  # One build in the background is enough: a second would only wait for the first.
  exec 9>"$tools/.lock"
  flock -n 9 || { echo "install-kubernetes-test-tools: already building in the background (log: $tools/build.log)" >&2; echo "$bin"; exit; }
  exec 9>&-
  echo "install-kubernetes-test-tools: building the Kubernetes test tools in the background (log: $tools/build.log)" >&2
  nohup nice -n 10 "$0" >"$tools/build.log" 2>&1 </dev/null &
  echo "$bin"
  exit
fi

# Go's module and build caches live beside the binaries, not in the repository or the user's GOPATH.
# (The LiveKit build of scripts/install-prerequisites.sh uses the same ones, so shared packages compile once.)
export GOPATH="$cache/go" GOMODCACHE="$cache/go/pkg/mod" GOCACHE="$cache/go-build" GOFLAGS=-buildvcs=false
command -v go >/dev/null || PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null || { echo "install-kubernetes-test-tools: Go is needed to build the Kubernetes test tools" >&2; exit 1; }

# Two runs at once (a background build and the tests waiting for it, two checkouts) would build
# the same thing twice: the second waits, then finds built what the first built.
exec 9>"$tools/.lock"
if ! flock -n 9; then
  echo "install-kubernetes-test-tools: waiting for the build already running (log: $tools/build.log)" >&2
  flock 9
fi

timed() {
  local what="$1" started
  shift
  started=$(date +%s)
  echo "install-kubernetes-test-tools: building $what" >&2
  "$@" >&2
  echo "install-kubernetes-test-tools: built $what in $(($(date +%s) - started)) s" >&2
}

# k8s.io/kubernetes replaces its staging modules (k8s.io/api, k8s.io/apiserver, ...) with folders
# of its own repository, which is why `go install` refuses it. A wrapper module requires it and
# replaces each staging module with its release of the same minor version instead.
build_kubernetes() {
  local wrapper="$tools/wrapper" upstream_go_mod staging
  mkdir -p "$wrapper"
  upstream_go_mod="$(cd "$wrapper" && go mod download -json "k8s.io/kubernetes@v$kubernetes_version" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
  staging="$(sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#\1#p' "$upstream_go_mod")"
  [ -n "$staging" ] || { echo "install-kubernetes-test-tools: no staging modules found in $upstream_go_mod" >&2; exit 1; }
  {
    echo "module homeport.test/kubernetes-test-tools"
    echo
    grep -m1 '^go ' "$upstream_go_mod"
    echo
    echo "require k8s.io/kubernetes v$kubernetes_version"
    echo
    echo "replace ("
    for module in $staging; do echo "	$module => $module v0.${kubernetes_version#1.}"; done
    echo ")"
  } >"$wrapper/go.mod"
  local commands=(k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler)
  (cd "$wrapper" && go get "${commands[@]}")
  # The version stamp makes /version report the release, which clients and kwok compare against.
  local version_package=k8s.io/component-base/version
  local minor="${kubernetes_version#1.}"
  minor="${minor%%.*}"
  (cd "$wrapper" && go build -o "$bin/" -ldflags "-s -w -X $version_package.gitVersion=v$kubernetes_version -X $version_package.gitMajor=1 -X $version_package.gitMinor=$minor -X $version_package.gitTreeState=clean" "${commands[@]}")
}

# The four builds run at once: each has long stretches on one core (downloading modules, kine's
# cgo SQLite, linking) that the others fill. Only what is missing is built.
builds=()
started_build() { builds+=("$!"); }
built kube-apiserver kube-controller-manager kube-scheduler || { timed "kube-apiserver, kube-controller-manager, kube-scheduler v$kubernetes_version" build_kubernetes & started_build; }
built kine || { timed "kine v$kine_version" env GOBIN="$bin" go install -ldflags "-s -w" "github.com/k3s-io/kine@v$kine_version" & started_build; }
built kwok || { timed "kwok v$kwok_version" env GOBIN="$bin" go install -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@v$kwok_version" & started_build; }
built helm || { timed "helm v$helm_version" env GOBIN="$bin" go install -ldflags "-s -w" "helm.sh/helm/v4/cmd/helm@v$helm_version" & started_build; }
failed=0
for build in "${builds[@]}"; do wait "$build" || failed=1; done
[ "$failed" = 0 ] || { echo "install-kubernetes-test-tools: a build failed (see above)" >&2; exit 1; }
if [ ! -f "$kwok_stages" ]; then
  kwok_source="$(cd "$tools" && go mod download -json "sigs.k8s.io/kwok@v$kwok_version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  for stage in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete; do
    echo "---"
    cat "$kwok_source/kustomize/stage/$stage.yaml"
  done >"$kwok_stages.partial"
  mv "$kwok_stages.partial" "$kwok_stages"
fi
echo "$bin"
