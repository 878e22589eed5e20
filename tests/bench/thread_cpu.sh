#!/usr/bin/env bash
# CPU per request of each of the gateway's threads during one gateway leg of sources_detail.sh:
# where the log's writer, indexer and checkpoint threads and the I/O threads spend their time
# (docs/performance.md, "Issue 13, seventh steps"). Starts the leg, samples every thread's CPU
# time and read/write syscalls from /proc/<pid>/task/<tid>/{stat,io} over MEASURE seconds once the
# load runs, and prints one line per thread name (threads of one name summed):
#
#   tests/bench/thread_cpu.sh [CONNECTIONS] [MEASURE]        (defaults 32 and 6)
#
#   thread           µs/request   reads/request   writes/request
#
# "bronpoort" is the main thread, which runs one of the I/O loops beside the "server-io" threads.
# reads and writes are the kernel's syscr/syscw: read(2), pread(2), write(2), pwrite(2) and the
# like, e.g. the indexer's WAL pages; socket sendmsg/recvmsg are not counted there.
#
# The environment of sources_detail.sh applies (BRONPOORT_BUILD_DIR, BRONPOORT_BENCH_GATEWAY_CONFIG,
# ...); the leg lasts MEASURE + 4 seconds. BRONPOORT_BENCH_PG=1 measures the gateway-pg leg instead
# (the log in a throwaway PostgreSQL cluster; the SQLite gateway's leg runs first, unmeasured). Compare builds or settings in alternating pairs: the
# machine is shared and one run says little.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=${BRONPOORT_BUILD_DIR:-$ROOT/build}
CONNECTIONS=${1:-32}
MEASURE=${2:-6}
out=$(mktemp)
trap 'rm -f "$out" "$out".a "$out".b' EXIT

BRONPOORT_BUILD_DIR=$BUILD_DIR BRONPOORT_BENCH_LEGS=gateway BRONPOORT_BENCH_GATEWAY=start \
  "$ROOT/tests/bench/sources_detail.sh" "$((MEASURE + 4))s" "$CONNECTIONS" >"$out" 2>&1 &
bench=$!
LEG=gateway
[ "${BRONPOORT_BENCH_PG:-0}" = 1 ] && LEG=gateway-pg
pid=""
for _ in $(seq 600); do
  # sources_detail.sh prints "<leg> pid N on URL" once the leg's gateway listens; the leg's load
  # runs once a wrk has that URL on its command line.
  read -r pid url < <(awk -v leg="$LEG" '$1 == leg && $2 == "pid" {print $3, $5}' "$out") || true
  [ -n "$pid" ] && pgrep -f "wrk .*$url/" >/dev/null && break
  pid=""
  sleep 0.1
done
if [ -z "$pid" ]; then
  wait "$bench" || true
  cat "$out" >&2
  echo "thread_cpu.sh: the gateway did not start" >&2
  exit 1
fi
sleep 2

# name, CPU ticks, read syscalls, write syscalls: summed over the threads of each name.
snapshot() {
  for t in /proc/"$pid"/task/*; do
    name=$(cat "$t/comm" 2>/dev/null) || continue
    ticks=$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null) || continue
    io=$(awk '/^syscr/ {r = $2} /^syscw/ {w = $2} END {print r + 0, w + 0}' "$t/io" 2>/dev/null) || io="0 0"
    echo "$name $ticks $io"
  done | awk '{c[$1] += $2; r[$1] += $3; w[$1] += $4} END {for (k in c) print k, c[k], r[k], w[k]}' | sort
}
snapshot >"$out.a"
sleep "$MEASURE"
snapshot >"$out.b"
wait "$bench"

rate=$(awk -v leg="$LEG" '$1 == leg && $2 ~ /^[0-9]+$/ {print $2; exit}' "$out")
if [ -z "$rate" ] || [ "$rate" = 0 ]; then
  cat "$out" >&2
  echo "thread_cpu.sh: no gateway rate in the benchmark's output" >&2
  exit 1
fi
hz=$(getconf CLK_TCK)
echo "$LEG leg, $CONNECTIONS connections: $rate req/s; per thread over ${MEASURE}s:"
printf '%-16s %12s %12s %12s\n' thread "µs/request" "reads/req" "writes/req"
join "$out.a" "$out.b" | awk -v rate="$rate" -v s="$MEASURE" -v hz="$hz" '{
  n = rate * s
  printf "%-16s %12.1f %12.2f %12.2f\n", $1, ($5 - $2) * 1e6 / hz / n, ($6 - $3) / n, ($7 - $4) / n
}'
