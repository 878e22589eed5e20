#!/usr/bin/env bash
# Benchmark: GET one record by id, directly against the demo source holder and through the
# gateway, with wrk on loopback; prints both rates and their ratio.
#   tests/bench/sources_detail.sh [DURATION] [CONNECTIONS]
# Direct: POST-free GET /bag/addresses/{id} on bronpoort-demo-source.
# Gateway: set BRONPOORT_BENCH_GATEWAY_URL to the gateway's base URL (e.g. http://127.0.0.1:8080)
# and BRONPOORT_BENCH_HEADERS to the headers a data request needs, separated by '|'
# (e.g. "Authorization: Bearer ...|Processing-Purpose: ..."); the gateway must be configured with
# config/sources pointing at the demo source this script starts (port 8091).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=${BRONPOORT_BUILD_DIR:-$ROOT/build}
DURATION=${1:-10s}
CONNECTIONS=${2:-32}
THREADS=${BRONPOORT_BENCH_THREADS:-2}
PORT=${BRONPOORT_BENCH_DEMO_PORT:-8091}
ID=0363200000000001

OUT=$(mktemp)
"$BUILD_DIR/bronpoort-demo-source" --port "$PORT" --threads 2 >"$OUT" &
DEMO_PID=$!
trap 'kill $DEMO_PID 2>/dev/null || true; rm -f "$OUT"' EXIT
for _ in $(seq 100); do grep -q listening "$OUT" && break; sleep 0.2; done
# An id that exists with the default seed and size.
ID=$(curl -sf -X POST "http://127.0.0.1:$PORT/bag/addresses/query" \
  -d '{"filters":[],"sort":[],"fields":["addressId"],"offset":0,"limit":1,"includeTotal":false}' |
  sed -E 's/.*"addressId":"([0-9]+)".*/\1/')

rate() { sed -nE 's/^Requests\/sec:[[:space:]]+([0-9.]+).*/\1/p'; }

direct=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
  "http://127.0.0.1:$PORT/bag/addresses/$ID" | tee /dev/stderr | rate)
echo "direct: $direct req/s (GET /bag/addresses/{id} on the demo source)"

if [ -n "${BRONPOORT_BENCH_GATEWAY_URL:-}" ]; then
  headers=()
  IFS='|' read -r -a hs <<<"${BRONPOORT_BENCH_HEADERS:-}"
  for h in "${hs[@]}"; do [ -n "$h" ] && headers+=(-H "$h"); done
  gateway=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${headers[@]}" \
    "$BRONPOORT_BENCH_GATEWAY_URL/v1/datasets/addresses/addresses/$ID" | tee /dev/stderr | rate)
  echo "gateway: $gateway req/s (GET /v1/datasets/addresses/addresses/{id})"
  awk -v g="$gateway" -v d="$direct" 'BEGIN { printf "ratio gateway/direct: %.2f\n", g / d }'
fi
