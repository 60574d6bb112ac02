#!/usr/bin/env bash
# Rebuilds web/static/vendor/codemirror/codemirror.js and its LICENSE from
# the npm registry: the exact versions in package-lock.json, bundled with
# esbuild as one minified ES module. drillroom needs no Node to run or to
# test; only whoever updates the editor runs this.
set -euo pipefail
cd "$(dirname "$0")"
out=../../web/static/vendor/codemirror
npm ci --no-audit --no-fund
./node_modules/esbuild/bin/esbuild entry.js --bundle --format=esm --minify --legal-comments=none --target=es2020 --outfile="$out/codemirror.js"
{
  echo "CodeMirror 6 bundle (web/static/vendor/codemirror/codemirror.js): the licences of every package it contains."
  for d in node_modules/codemirror node_modules/@codemirror/* node_modules/@lezer/* node_modules/@marijn/* node_modules/crelt node_modules/style-mod node_modules/w3c-keyname; do
    v=$(node -p "require('./$d/package.json').version")
    printf '\n== %s %s\n\n' "${d#node_modules/}" "$v"
    cat "$d/LICENSE"
  done
} > "$out/LICENSE"
rm -rf node_modules
echo "built $out/codemirror.js ($(wc -c < "$out/codemirror.js") bytes)"
