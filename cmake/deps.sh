#!/usr/bin/env bash
# Installs what flowcost needs to build and test on Debian 12, only when it is
# missing (so the README's commands are cheap to re-run). Needs root or sudo
# when something is missing.
set -euo pipefail
pkgs=(build-essential cmake pkg-config libcurl4-openssl-dev libssl-dev libcjson-dev
      libxml2-dev libxml2-utils libgraphviz-dev graphviz libisal-dev isal zlib1g-dev
      libsnappy-dev libzstd-dev
      python3 python3-aiosmtpd chromium clang time openssl nodejs npm
      file lintian zsh man-db)  # install_test: cpack's dpkg-shlibdeps step, lintian, completions, man
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  # nodejs/npm may come from outside Debian on some machines: skip them when a node is on PATH.
  if command -v node >/dev/null && command -v npm >/dev/null; then
    filtered=(); for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || filtered+=("$p"); done
    missing=("${filtered[@]+"${filtered[@]}"}")
  fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# moto (moto_server) and boto3 for the AWS integration tests: Python's, not Debian's.
if ! python3 -c 'import moto, boto3' 2>/dev/null; then
  echo "note: python3 has no moto/boto3; the AWS integration tests will be skipped" >&2
fi
# DuckDB and the Trino/Hive SQL grammar for the Athena SQL tests: the versions
# tests/node/package-lock.json pins, into tests/node/node_modules (git-ignored).
# Without the npm registry those tests skip (they fail under CI=...).
node_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/node"
if command -v npm >/dev/null &&
   { [ ! -e "$node_dir/node_modules/.package-lock.json" ] ||
     [ "$node_dir/package-lock.json" -nt "$node_dir/node_modules/.package-lock.json" ]; }; then
  echo "npm ci in tests/node (DuckDB, dt-sql-parser)" >&2
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error >&2) ||
    echo "note: npm ci failed in tests/node; the Athena SQL tests will be skipped" >&2
fi
