#!/usr/bin/env bash
# Rebuilds web/testdata/axe/axe.min.js and its LICENSE from the npm
# registry: axe-core's own pre-built bundle, at the exact version in
# package-lock.json, copied as published. Only the Chromium accessibility
# tests use it (web/e2e_a11y_test.go injects it into the pages); it is not
# served. drillroom needs no Node to run or to test; only whoever updates
# axe-core runs this.
set -euo pipefail
cd "$(dirname "$0")"
out=../../web/testdata/axe
mkdir -p "$out"
npm ci --no-audit --no-fund
v=$(node -p "require('./node_modules/axe-core/package.json').version")
cp node_modules/axe-core/axe.min.js "$out/axe.min.js"
{
  echo "axe-core $v (web/testdata/axe/axe.min.js), Mozilla Public License 2.0."
  echo "The file is axe-core's published bundle, unmodified; its source is at the npm package axe-core@$v."
  echo
  cat node_modules/axe-core/LICENSE
} > "$out/LICENSE"
echo "$v" > "$out/VERSION"
rm -rf node_modules
echo "copied axe-core $v to $out/axe.min.js ($(wc -c < "$out/axe.min.js") bytes)"
