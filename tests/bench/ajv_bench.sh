#!/usr/bin/env bash
# Runs the Ajv side of the schema-validator benchmark. Ajv is installed with npm into a local
# directory (never at build time): BRONPOORT_AJV_DIR, default build/ajv-bench.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dir="${BRONPOORT_AJV_DIR:-$root/build/ajv-bench}"
mkdir -p "$dir"
if [ ! -d "$dir/node_modules/ajv" ] || [ ! -d "$dir/node_modules/ajv-formats" ]; then
  (cd "$dir" && npm init -y >/dev/null && npm install --no-audit --no-fund ajv@8 ajv-formats@3 >/dev/null)
fi
cp "$here/ajv_bench.js" "$dir/ajv_bench.js"
ln -sfn "$here/data" "$dir/data"
# --single-threaded keeps V8 from doing work on helper threads, so CPU time is comparable.
node --single-threaded "$dir/ajv_bench.js"
