#!/usr/bin/env bash
# Benchmark: GET one record by id directly against the demo source holder, through an nginx
# proxy_pass baseline, and through the gateway, back to back with wrk on loopback. Prints each
# rate with p50/p99 and the status codes received, then the ratios gateway/direct, nginx/direct
# and gateway/nginx.
#
#   tests/bench/sources_detail.sh [DURATION] [CONNECTIONS...]
#
# With several connection counts (e.g. `8s 32 256`) each is measured in turn. Every round runs
# the legs back to back in alternating order (BRONPOORT_BENCH_ROUNDS rounds, default 1), and the
# summary gives each leg's median and range over the rounds and each round's ratios, so a noisy
# shared machine shows as a spread instead of a single lucky or unlucky figure.
#
# The gateway leg:
#   BRONPOORT_BENCH_GATEWAY=start  starts build/bronpoort on a copy of config/gateway.json (log and
#                                  grants in a throwaway SQLite file, synchronous=FULL as shipped),
#                                  with a demo case worker's token and purpose adres-verificatie.
#   BRONPOORT_BENCH_GATEWAY_URL    instead, an already running gateway (e.g. http://127.0.0.1:8080)
#                                  configured with config/sources pointing at this script's demo
#                                  source (port 8091); BRONPOORT_BENCH_HEADERS gives the headers a
#                                  data request needs, separated by '|'.
# BRONPOORT_BENCH_NGINX=0 skips the nginx leg (nginx from PATH or /usr/sbin; it runs as the
# calling user from a generated config in a temporary directory on a free port).
# BRONPOORT_BENCH_LEGS limits the legs run (default "direct nginx gateway"), e.g. for profiling.
# BRONPOORT_BENCH_GATEWAY_CONFIG=FILE is a JSON object merged into the generated gateway config
# (e.g. {"processingLog": {"maxWaitMicros": 500}}) to compare settings.
# After the ratios comes each leg's CPU per request, by process (from /proc: the server under test,
# the demo source, wrk, PostgreSQL for gateway-pg, and the whole machine), since on a machine whose
# cores the client and the source share, the ratios alone do not say whose CPU bounds a leg.
# BRONPOORT_BENCH_PG=1 adds the leg "gateway-pg": a second gateway, identical but for its store
# (log and grants) in a throwaway local PostgreSQL 15 cluster (scripts/pg-cluster.sh: fsync on,
# synchronous_commit on, as the store sets it per session).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=${BRONPOORT_BUILD_DIR:-$ROOT/build}
DURATION=${1:-10s}
shift || true
CONNECTION_COUNTS=("${@:-32}")
ROUNDS=${BRONPOORT_BENCH_ROUNDS:-1}
THREADS=${BRONPOORT_BENCH_THREADS:-2}
PORT=${BRONPOORT_BENCH_DEMO_PORT:-8091}
LEGS=" ${BRONPOORT_BENCH_LEGS:-direct nginx gateway} "

WORK=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -d "$WORK/pg" ] && "$ROOT/scripts/pg-cluster.sh" stop "$WORK/pg/data" || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_for_port() {
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on port $1" >&2
  return 1
}

"$BUILD_DIR/bronpoort-demo-source" --port "$PORT" --threads 2 >"$WORK/demo.log" 2>&1 &
pids+=($!)
SOURCE_PID=$!
declare -A server_pids # leg -> the processes that serve it (besides the source)
wait_for_port "$PORT"
# An id that exists with the default seed and size.
ID=$(curl -sf -X POST "http://127.0.0.1:$PORT/bag/addresses/query" \
  -d '{"filters":[],"sort":[],"fields":["addressId"],"offset":0,"limit":1,"includeTotal":false}' |
  sed -E 's/.*"addressId":"([0-9]+)".*/\1/')

# Counts responses per status code over all wrk threads (a response() hook costs wrk a little CPU
# per response; every leg uses it, so the ratios stay fair).
cat >"$WORK/status.lua" <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do total[code] = (total[code] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(total) do table.insert(parts, code .. "=" .. n) end
  table.sort(parts)
  io.write("statuses: " .. table.concat(parts, " ") .. "\n")
end
LUA

# Runs wrk, echoes its output to stderr, prints "rate p50 p99 statuses".
run_wrk() {
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/status.lua" "$@")
  echo "$out" >&2
  local rate p50 p99 statuses
  rate=$(sed -nE 's/^Requests\/sec:[[:space:]]+([0-9.]+).*/\1/p' <<<"$out")
  p50=$(sed -nE 's/^[[:space:]]+50%[[:space:]]+([0-9.]+[a-z]+).*/\1/p' <<<"$out")
  p99=$(sed -nE 's/^[[:space:]]+99%[[:space:]]+([0-9.]+[a-z]+).*/\1/p' <<<"$out")
  statuses=$(sed -nE 's/^statuses: (.*)/\1/p' <<<"$out")
  echo "$rate $p50 $p99 ${statuses// /,}"
}

# The nginx baseline: a bare reverse proxy with upstream keep-alive, as many workers as cores.
NGINX_URL=
if [ "${BRONPOORT_BENCH_NGINX:-1}" != 0 ] && [[ $LEGS == *" nginx "* ]]; then
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
  NGINX_PORT=$(free_port)
  mkdir -p "$WORK/nginx/logs"
  cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/client_body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  upstream demo_source { server 127.0.0.1:$PORT; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://demo_source;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
CONF
  "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' \
    >"$WORK/nginx/logs/stdout.log" 2>&1 &
  pids+=($!)
  wait_for_port "$NGINX_PORT"
  server_pids[nginx]="$! $(pgrep -P $! | tr '\n' ' ')"
  NGINX_URL=http://127.0.0.1:$NGINX_PORT
fi

GATEWAY_URL=${BRONPOORT_BENCH_GATEWAY_URL:-}
HEADERS=${BRONPOORT_BENCH_HEADERS:-}
# Starts a gateway on a copy of config/gateway.json in $WORK/$1, with the JSON object $2 merged
# into it (after BRONPOORT_BENCH_GATEWAY_CONFIG); prints its URL.
start_gateway() {
  local dir=$WORK/$1 port
  port=$(free_port)
  mkdir -p "$dir/sources"
  for f in "$ROOT"/config/sources/*.json; do
    sed "s#http://127.0.0.1:8091#http://127.0.0.1:$PORT#g" "$f" >"$dir/sources/${f##*/}"
  done
  python3 - "$ROOT" "$dir" "$port" "${BRONPOORT_BENCH_GATEWAY_CONFIG:-}" "$2" <<'PY'
import json, os, sys
root, out, port, overlay, extra = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
sys.path.insert(0, os.path.join(root, "tests", "bench"))
from bench_config import merge, relocated_config
cfg = relocated_config(root, port, os.path.join(out, "bronpoort.db"), os.path.join(out, "sources"))
if overlay:
    merge(cfg, json.load(open(overlay)))
if extra:
    extra = json.loads(extra)
    if "store" in extra:
        cfg["store"] = {}  # a store of another kind takes none of the SQLite settings
    merge(cfg, extra)
json.dump(cfg, open(os.path.join(out, "gateway.json"), "w"), indent=2)
PY
  "$BUILD_DIR/bronpoort" serve --config "$dir/gateway.json" >"$dir/out.log" 2>&1 &
  pids+=($!)
  wait_for_port "$port" || {
    tail -5 "$dir/out.log" >&2
    exit 1
  }
  echo "$1 pid ${pids[-1]} on http://127.0.0.1:$port" >&2
  server_pids[$1]=${pids[-1]}
  GATEWAY_STARTED_URL=http://127.0.0.1:$port
}

GATEWAY_URL=${BRONPOORT_BENCH_GATEWAY_URL:-}
GATEWAY_PG_URL=
HEADERS=${BRONPOORT_BENCH_HEADERS:-}
if [ "${BRONPOORT_BENCH_GATEWAY:-}" = start ]; then
  # The PostgreSQL registry is not part of this benchmark; it stays unreachable.
  export BRONPOORT_DEBT_PG_DSN="host=127.0.0.1 port=1 dbname=none connect_timeout=1"
  start_gateway gateway ""
  GATEWAY_URL=$GATEWAY_STARTED_URL
  if [ "${BRONPOORT_BENCH_PG:-0}" = 1 ]; then
    mkdir -p "$WORK/pg"
    if [ "$(id -u)" -eq 0 ]; then
      # The server runs as postgres, which must reach its directory inside ours.
      chmod 755 "$WORK"
      chown postgres:postgres "$WORK/pg"
    fi
    PG_DSN=$("$ROOT/scripts/pg-cluster.sh" start "$WORK/pg/data") || {
      echo "could not start PostgreSQL: $(cat "$WORK/pg/data.initdb.log" "$WORK/pg/data/server.log" 2>/dev/null | tail -5)" >&2
      exit 1
    }
    start_gateway gateway-pg "{\"store\": {\"kind\": \"postgres\", \"dsn\": \"$PG_DSN\"}}"
    GATEWAY_PG_URL=$GATEWAY_STARTED_URL
    PG_PID=$(head -1 "$WORK/pg/data/postmaster.pid")
  fi
  TOKEN=$("$BUILD_DIR/bronpoort" token --config "$WORK/gateway/gateway.json" --ttl 3600 \
    --sub bench-case-worker --org 00000001001234567000 --role case-worker)
  HEADERS="Authorization: Bearer $TOKEN|Processing-Purpose: adres-verificatie"
fi

# The disk's fsync latency right now: every gateway answer waits for one, so it bounds the gateway
# leg, and on a shared machine it varies by an order of magnitude from hour to hour.
python3 - "$WORK" <<'PY'
import os, sys, time
fd = os.open(os.path.join(sys.argv[1], "fsync-probe"), os.O_WRONLY | os.O_CREAT)
times = []
for _ in range(50):
    os.write(fd, b"x" * 4096)
    t = time.perf_counter()
    os.fdatasync(fd)
    times.append((time.perf_counter() - t) * 1000)
times.sort()
print(f"fdatasync of a 4 KiB append: p50 {times[25]:.2f} ms, p90 {times[45]:.2f} ms")
PY

headers=()
IFS='|' read -r -a hs <<<"$HEADERS"
for h in "${hs[@]}"; do [ -n "$h" ] && headers+=(-H "$h"); done
GATEWAY_PATH=/v1/datasets/addresses/addresses/$ID

# The legs to run, in the order of the first round; later rounds alternate the order.
legs=()
[[ $LEGS == *" direct "* ]] && legs+=(direct)
[ -n "$NGINX_URL" ] && legs+=(nginx)
if [ -n "$GATEWAY_URL" ] && [[ $LEGS == *" gateway "* ]]; then
  legs+=(gateway)
  [ -n "$GATEWAY_PG_URL" ] && legs+=(gateway-pg)
fi
url_of() {
  case $1 in
    direct) echo "http://127.0.0.1:$PORT/bag/addresses/$ID" ;;
    nginx) echo "$NGINX_URL/bag/addresses/$ID" ;;
    gateway) echo "$GATEWAY_URL$GATEWAY_PATH" ;;
    gateway-pg) echo "$GATEWAY_PG_URL$GATEWAY_PATH" ;;
  esac
}

# CPU ticks (user + system, every thread) of the given processes; fields counted after the name.
ticks_of() {
  local total=0 p
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] || continue
    total=$((total + $(sed 's/.*) //' "/proc/$p/stat" | awk '{ print $12 + $13 }')))
  done
  echo "$total"
}
# "server source postgres wrk+children machine-busy machine-all" ticks for a leg, and the time.
cpu_snapshot() {
  local pg=0
  [ "$1" = gateway-pg ] && pg=$(ticks_of "$PG_PID" $(pgrep -P "$PG_PID"))
  echo "$(ticks_of ${server_pids[$1]:-}) $(ticks_of "$SOURCE_PID") $pg" \
    "$(sed 's/.*) //' /proc/$$/stat | awk '{ print $14 + $15 }')" \
    "$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat)" \
    "$(date +%s.%N)"
}
# µs of CPU per request for each process group, from two snapshots and the leg's rate.
cpu_per_request() {
  awk -v rate="$3" -v hz="$(getconf CLK_TCK)" -v cores="$(nproc)" -v a="$1" -v b="$2" 'BEGIN {
    split(a, x, " "); split(b, y, " "); secs = y[7] - x[7]
    us = 1e6 / hz / secs / rate
    printf "%.1f,%.1f,%.1f,%.1f,%.1f", (y[1] - x[1]) * us, (y[2] - x[2]) * us, (y[4] - x[4]) * us,
      (y[3] - x[3]) * us, (y[5] - x[5]) / (y[6] - x[6]) * cores * 1e6 / rate }'
}

declare -A result   # "<connections> <leg> <round>" -> "rate p50 p99 statuses"
declare -A cpu      # "<connections> <leg> <round>" -> "server,source,wrk,postgres,machine" µs
for CONNECTIONS in "${CONNECTION_COUNTS[@]}"; do
  for round in $(seq "$ROUNDS"); do
    order=("${legs[@]}")
    if [ $((round % 2)) -eq 0 ]; then
      order=()
      for ((i = ${#legs[@]} - 1; i >= 0; i--)); do order+=("${legs[$i]}"); done
    fi
    for leg in "${order[@]}"; do
      before=$(cpu_snapshot "$leg")
      if [[ $leg == gateway* ]]; then
        result["$CONNECTIONS $leg $round"]=$(run_wrk "${headers[@]}" "$(url_of "$leg")")
      else
        result["$CONNECTIONS $leg $round"]=$(run_wrk "$(url_of "$leg")")
      fi
      cpu["$CONNECTIONS $leg $round"]=$(cpu_per_request "$before" "$(cpu_snapshot "$leg")" \
        "${result["$CONNECTIONS $leg $round"]%% *}")
    done
  done
done

if [ "${BRONPOORT_BENCH_GATEWAY:-}" = start ]; then
  # How well the group commit batched: each commit stamps its records with one logged_at.
  python3 - "$WORK/gateway/bronpoort.db" <<'PY'
import sqlite3, sys
records, commits = sqlite3.connect(sys.argv[1]).execute(
    "SELECT count(*), count(DISTINCT logged_at_us) FROM processing_log").fetchone()
print(f"log (SQLite): {records} records in {commits} commits, {records / max(commits, 1):.1f} per commit")
PY
fi

# Each leg's median and range over the rounds, then each round's ratios and their range.
for CONNECTIONS in "${CONNECTION_COUNTS[@]}"; do
  echo
  echo "GET .../{id}, $CONNECTIONS connections, $DURATION per leg, $ROUNDS round(s), wrk -t$THREADS"
  printf '%-11s %10s %10s %10s %10s  %s\n' leg "median r/s" "min r/s" "max r/s" "p99 (med)" statuses
  for leg in "${legs[@]}"; do
    rates=() p99s=() statuses=""
    for round in $(seq "$ROUNDS"); do
      read -r rate _ p99 st <<<"${result["$CONNECTIONS $leg $round"]}"
      rates+=("$rate") p99s+=("$p99") statuses+="$st "
    done
    printf '%-11s %s  %s\n' "$leg" "$(printf '%s\n' "${rates[@]}" | sort -g | awk '
      { v[NR] = $1 } END { printf "%10.0f %10.0f %10.0f", v[int((NR + 1) / 2)], v[1], v[NR] }')" \
      "$(printf '%s\n' "${p99s[@]}" | sort | awk '{ v[NR] = $1 } END { printf "%10s", v[int((NR + 1) / 2)] }')  $statuses"
  done
  for pair in "gateway direct" "nginx direct" "gateway nginx" "gateway-pg nginx"; do
    read -r a b <<<"$pair"
    [ -n "${result["$CONNECTIONS $a 1"]:-}" ] && [ -n "${result["$CONNECTIONS $b 1"]:-}" ] || continue
    ratios=()
    for round in $(seq "$ROUNDS"); do
      ratios+=("$(awk -v x="${result["$CONNECTIONS $a $round"]%% *}" \
        -v y="${result["$CONNECTIONS $b $round"]%% *}" 'BEGIN { printf "%.2f", x / y }')")
    done
    range=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{ v[NR] = $1 } END { printf "%s..%s", v[1], v[NR] }')
    echo "ratio $a/$b at $CONNECTIONS connections: ${ratios[*]} (range $range)"
  done
  echo "CPU per request at $CONNECTIONS connections, µs, median of the rounds (server = nginx or the gateway):"
  printf '%-11s %8s %8s %8s %8s %8s\n' leg server source wrk postgres machine
  for leg in "${legs[@]}"; do
    for round in $(seq "$ROUNDS"); do echo "${cpu["$CONNECTIONS $leg $round"]}"; done |
      python3 -c '
import statistics, sys
rows = [[float(v) for v in line.split(",")] for line in sys.stdin if line.strip()]
print("%-11s" % sys.argv[1] + "".join(" %8.1f" % statistics.median(c) for c in zip(*rows)))' "$leg"
  done
done
