#!/usr/bin/env bash
# docker/ on a real Docker engine (issue 17), where one can be started; elsewhere it says why and
# skips. As root, with Debian's docker.io, docker-compose and debootstrap (scripts/run.sh installs
# them for `test`):
#   1. a bookworm base from `debootstrap --variant=minbase` (no registry is reachable), cached as
#      a tarball under build/docker-engine/ and imported as debian:bookworm and -slim;
#   2. a private dockerd: its own socket, pidfile and exec root under /run, its own data root under
#      build/docker-engine/, and no host network changes it cannot undo (--iptables=false,
#      --ip-forward=false, --ip-masq=false, --bridge=none; compose's project network is a bridge
#      that `down` removes again);
#   3. both images from docker/Dockerfile and docker/postgres/Dockerfile as shipped;
#   4. `docker-compose -p <unique> -f docker/compose.yaml up` (Debian's compose v1) with the
#      gateway published on a free port of 127.0.0.1 only (BRONPOORT_PORT=127.0.0.1:PORT; an
#      override file could not do this: compose appends `ports` of several files, it cannot drop
#      the file's own publish). All traffic of the test goes to 127.0.0.1 or through `docker exec`,
#      never to a container's bridge address;
#   5. checks: every service healthy and db-init exited 0 without printing a password; data through
#      the gateway from the HTTP demo source and from PostgreSQL; the processing log verifies (the
#      auditor's endpoint and `bronpoort verify-log`); the root filesystem is read-only even for
#      uid 0; the services run as uid 10001 without capabilities; `docker stop` (SIGTERM) ends the
#      gateway with exit code 0; after a start again its chain continues and verifies;
#   6. `down -v` leaves no container, volume or network; the daemon is stopped by its PID, its
#      mounts are gone and its data root is removed. A trap does the same on any failure.
#
# The gateway binaries. docker/Dockerfile's build stage compiles the whole gateway again inside
# the container, without ccache: 5 minutes at -j2 on a quiet 2-core machine, about 10 while other
# builds share the cores, so this test would take 6 to 12 minutes instead of 1 to 2. CI has just
# built the same sources on the host, which is Debian bookworm as the image is. So by default this
# test puts the host's build/bronpoort and build/bronpoort-demo-source (stripped) into an image
# and builds docker/Dockerfile with --build-arg BRONPOORT_BINARIES=<that image>: the runtime stage
# that runs is the shipped one, instruction for instruction (its packages, user, entrypoint,
# healthcheck); only the stage it copies the two binaries from differs (the host's RelWithDebInfo
# instead of the build stage's Release). What the build stage alone could break, a -dev package
# missing from its apt-get, scripts/test.d/docker.sh checks against scripts/run.sh's list.
# BRONPOORT_DOCKER_BINARIES=build builds the build stage too, as an operator's `docker build`
# does (by hand). Measured figures are in docker/README.md.
#
# Environment: BRONPOORT_DOCKER_ENGINE=skip skips at once (and shows the skip path);
# BRONPOORT_DOCKERD, BRONPOORT_DOCKER_CLI, BRONPOORT_DOCKER_COMPOSE name the programs (default
# Debian's /usr/sbin/dockerd, /usr/bin/docker and /usr/bin/docker-compose: /usr/local/bin/docker
# on some machines is a newer client without buildx that shadows Debian's); DEBIAN_MIRROR.
# Remove build/docker-engine/bookworm-minbase.tar to debootstrap afresh (done after 14 days).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=${BRONPOORT_BUILD_DIR:-$ROOT/build}
CACHE=$BUILD_DIR/docker-engine
DOCKERD=${BRONPOORT_DOCKERD:-/usr/sbin/dockerd}
DOCKER=${BRONPOORT_DOCKER_CLI:-/usr/bin/docker}
COMPOSE=${BRONPOORT_DOCKER_COMPOSE:-/usr/bin/docker-compose}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
BINARIES=${BRONPOORT_DOCKER_BINARIES:-host}
JOBS=${BRONPOORT_JOBS:-2}
START_SECONDS=${BRONPOORT_DOCKERD_WAIT:-60} # dockerd must answer within this, or the test skips
log() { printf '\033[1;34m[docker-engine]\033[0m %s\n' "$*" >&2; }
skip() {
  log "SKIPPED: $*"
  exit 0
}
fail() {
  log "FAIL: $*"
  exit 1
}
T0=$SECONDS
elapsed() { echo "$((SECONDS - T0)) s"; }

# --- 0. can an engine start here? -----------------------------------------------------------
[ "${BRONPOORT_DOCKER_ENGINE:-}" != skip ] || skip "BRONPOORT_DOCKER_ENGINE=skip"
[ "$(id -u)" -eq 0 ] || skip "not root: a private dockerd needs root"
for tool in "$DOCKERD" "$DOCKER" "$COMPOSE" /usr/sbin/debootstrap; do
  [ -x "$tool" ] || skip "$tool is missing (apt-get install docker.io docker-compose debootstrap)"
done
for cmd in curl jq ss python3 strip numfmt; do
  command -v "$cmd" >/dev/null || fail "$cmd is missing (./scripts/run.sh test installs it)"
done
case "$BINARIES" in
  host | build) ;;
  *) fail "BRONPOORT_DOCKER_BINARIES must be host or build, not '$BINARIES'" ;;
esac
if [ "$BINARIES" = host ]; then
  for bin in bronpoort bronpoort-demo-source; do
    [ -x "$BUILD_DIR/$bin" ] || fail "build $BUILD_DIR/$bin first"
  done
  # The host's binaries only fit the image's libraries where the host is the image's release.
  if ! grep -qx 'VERSION_CODENAME=bookworm' /etc/os-release; then
    log "the host is not Debian bookworm: building the image's own build stage instead (slow)"
    BINARIES=build
  fi
fi

# Everything of this run is named by its PID, so two runs (two work trees) do not meet.
ID=bronpoort-engine-test-$$
RUN_DIR=/run/bronpoort-test-docker.$$ # socket, pidfile, exec root: short paths (sun_path)
DATA_ROOT=$CACHE/data.$$
LOGS=$CACHE/last-run # kept after the run, for a look at a failure
PROJECT=$ID
TAG=engine-test
export DOCKER_HOST=unix://$RUN_DIR/docker.sock
export DOCKER_CONFIG=$RUN_DIR/client # no ~/.docker settings (contexts, helpers, proxies)
export DOCKER_BUILDKIT=1             # per-Dockerfile .dockerignore; unused stages skipped
unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
export BRONPOORT_TAG=$TAG
mkdir -p "$CACHE"
rm -rf "$LOGS"
mkdir -p "$LOGS"

DOCKERD_PID=
compose() { # SECONDS ARGS...: docker-compose on this run's project, bounded in time
  local seconds=$1
  shift
  timeout "$seconds" "$COMPOSE" --ansi never -p "$PROJECT" -f "$ROOT/docker/compose.yaml" "$@"
}
# The paths of mounts under a directory, deepest first.
mounts_under() { awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r; }
# PIDs of processes whose command line names PATH: this run's dockerd, containerd and shims.
pids_naming() {
  local files f pid
  # Collected first, so that grep (which names PATH too) has exited and been reaped.
  files=$(grep -lsaF -- "$1" /proc/[0-9]*/cmdline || true)
  while read -r f; do
    [ -n "$f" ] || continue
    pid=${f#/proc/}
    pid=${pid%/cmdline}
    [ "$pid" != $$ ] || continue
    # Still there, and not a zombie (whose command line is empty).
    [ -n "$(tr -d '\0' 2>/dev/null <"/proc/$pid/cmdline")" ] && echo "$pid"
  done <<<"$files"
  return 0
}
stop_daemon() {
  [ -n "$DOCKERD_PID" ] || return 0
  if kill -0 "$DOCKERD_PID" 2>/dev/null; then
    kill -TERM "$DOCKERD_PID"
    for _ in $(seq 1 60); do
      kill -0 "$DOCKERD_PID" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$DOCKERD_PID" 2>/dev/null; then
      log "dockerd ($DOCKERD_PID) ignored SIGTERM for 30 s: SIGKILL"
      kill -KILL "$DOCKERD_PID" 2>/dev/null || true
    fi
  fi
  # Its containerd and any shim left behind (only after a SIGKILL): found by this run's paths.
  local p
  for p in $(pids_naming "$RUN_DIR/"); do
    log "left behind by dockerd: $(tr '\0' ' ' <"/proc/$p/cmdline" | cut -c1-100); stopping $p"
    kill -KILL "$p" 2>/dev/null || true
  done
  DOCKERD_PID=
  local m
  for m in $(mounts_under "$DATA_ROOT") $(mounts_under "$RUN_DIR"); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
}
cleanup() {
  local status=$?
  set +e
  if [ -n "$DOCKERD_PID" ] && kill -0 "$DOCKERD_PID" 2>/dev/null; then
    if [ $status -ne 0 ]; then
      compose 60 ps >&2 2>&1
      compose 60 logs --no-color --tail=40 >"$LOGS/compose.log" 2>&1
      tail -n 80 "$LOGS/compose.log" >&2
    fi
    compose 120 down -v --remove-orphans -t 15 >>"$LOGS/down.log" 2>&1
  fi
  stop_daemon
  rm -rf --one-file-system "$DATA_ROOT" "$RUN_DIR" "$CACHE/base.$$" "$CACHE/binaries.$$"
  rm -f "$CACHE/bookworm-minbase.tar.$$.tmp"
  [ $status -eq 0 ] || log "logs of this run: $LOGS"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Data roots of earlier runs that died without their trap (SIGKILL): their PID is gone.
for old in "$CACHE"/data.*; do
  [ -d "$old" ] || continue
  kill -0 "${old##*.}" 2>/dev/null && continue
  [ -z "$(mounts_under "$old")" ] || continue
  log "removing $old, left by an earlier run"
  rm -rf --one-file-system "$old"
done

# --- 1. the bookworm base -------------------------------------------------------------------
BASE_TAR=$CACHE/bookworm-minbase.tar
if [ -s "$BASE_TAR" ] && [ -z "$(find "$BASE_TAR" -mtime +14)" ]; then
  log "bookworm base from the cache ($BASE_TAR)"
else
  log "debootstrap --variant=minbase bookworm (about a minute; cached in $BASE_TAR)"
  tree=$CACHE/base.$$
  rm -rf --one-file-system "$tree"
  if ! nice -n 19 timeout 900 debootstrap --variant=minbase bookworm "$tree" "$MIRROR" \
    >"$LOGS/debootstrap.log" 2>&1; then
    tail -n 5 "$LOGS/debootstrap.log" >&2
    skip "debootstrap could not make a bookworm base from $MIRROR (see above)"
  fi
  # As in the debian images: the updates and security suites, no package lists or .debs.
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s-security bookworm-security main\n' \
    "$MIRROR" "$MIRROR" "$MIRROR" >"$tree/etc/apt/sources.list"
  rm -rf "$tree"/var/lib/apt/lists/* "$tree"/var/cache/apt/*.bin "$tree"/var/cache/apt/archives/*.deb
  tar -C "$tree" --numeric-owner -cf "$BASE_TAR.$$.tmp" .
  mv "$BASE_TAR.$$.tmp" "$BASE_TAR"
  rm -rf --one-file-system "$tree"
  log "bookworm base made ($(du -h "$BASE_TAR" | cut -f1), $(elapsed))"
fi

# --- 2. a private dockerd -------------------------------------------------------------------
start_daemon() { # STORAGE-DRIVER: 0 when it answers within START_SECONDS
  mkdir -p "$RUN_DIR/exec" "$DOCKER_CONFIG" "$DATA_ROOT"
  chmod 700 "$RUN_DIR"
  # Not /etc/docker/daemon.json; and the daemon's identity key here, not in /etc/docker/key.json.
  printf '{"deprecated-key-path": "%s"}\n' "$RUN_DIR/key.json" >"$RUN_DIR/daemon.json"
  setsid nice -n 19 "$DOCKERD" --host "$DOCKER_HOST" --config-file "$RUN_DIR/daemon.json" \
    --data-root "$DATA_ROOT" --exec-root "$RUN_DIR/exec" --pidfile "$RUN_DIR/docker.pid" \
    --iptables=false --ip-forward=false --ip-masq=false --bridge=none \
    --storage-driver="$1" --log-level=warn \
    >"$LOGS/dockerd-$1.log" 2>&1 </dev/null &
  DOCKERD_PID=$!
  echo 19 >"/proc/$DOCKERD_PID/autogroup" 2>/dev/null || true
  for _ in $(seq 1 $((START_SECONDS * 2))); do
    if "$DOCKER" version >/dev/null 2>&1; then
      [ "$(cat "$RUN_DIR/docker.pid")" = "$DOCKERD_PID" ] ||
        fail "$RUN_DIR/docker.pid does not hold the dockerd this test started ($DOCKERD_PID)"
      # Its containerd runs in a session of its own: nice that one too.
      local p
      for p in $(pids_naming "$RUN_DIR/exec/containerd"); do
        echo 19 >"/proc/$p/autogroup" 2>/dev/null || true
      done
      return 0
    fi
    if ! kill -0 "$DOCKERD_PID" 2>/dev/null; then
      NO_ENGINE="dockerd --storage-driver=$1 exited"
      break
    fi
    NO_ENGINE="dockerd --storage-driver=$1 did not answer within $START_SECONDS s"
    sleep 0.5
  done
  log "$NO_ENGINE; its last words:"
  tail -n 5 "$LOGS/dockerd-$1.log" >&2
  stop_daemon
  rm -rf --one-file-system "$DATA_ROOT"
  return 1
}
# overlay2, and vfs (slower, more disk) where overlay2 does not work.
# BRONPOORT_DOCKER_STORAGE_DRIVER=vfs (or overlay2) tries only that one.
DRIVER=
for driver in ${BRONPOORT_DOCKER_STORAGE_DRIVER:-overlay2 vfs}; do
  if start_daemon "$driver"; then
    DRIVER=$driver
    break
  fi
done
[ -n "$DRIVER" ] || skip "no Docker engine could be started here (see above)"
log "dockerd $("$DOCKER" version -f '{{.Server.Version}}') is up (PID $DOCKERD_PID, storage driver $DRIVER, $DOCKER_HOST)"
# From here on, anything that does not work is a failure, not a skip.

"$DOCKER" import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["bash"]' "$BASE_TAR" debian:bookworm >/dev/null
"$DOCKER" tag debian:bookworm debian:bookworm-slim
log "imported the base as debian:bookworm and debian:bookworm-slim ($(elapsed))"

# --- 3. the images --------------------------------------------------------------------------
build_args=(--build-arg "BUILD_JOBS=$JOBS")
if [ "$BINARIES" = host ]; then
  bins=$CACHE/binaries.$$
  mkdir -p "$bins/src/build"
  for bin in bronpoort bronpoort-demo-source; do
    strip -o "$bins/src/build/$bin" "$BUILD_DIR/$bin"
  done
  tar -C "$bins" --numeric-owner --owner=0 --group=0 -c src |
    "$DOCKER" import - "bronpoort-host-binaries:$TAG" >/dev/null
  rm -rf "$bins"
  build_args+=(--build-arg "BRONPOORT_BINARIES=bronpoort-host-binaries:$TAG")
  log "the runtime stage takes the host's $BUILD_DIR/bronpoort{,-demo-source} (stripped)"
else
  log "the runtime stage takes the build stage's binaries (compiled in the image: slow)"
fi
build_image() { # NAME DOCKERFILE [ARGS...]
  local name=$1 dockerfile=$2 t=$SECONDS
  shift 2
  # Host networking for the RUN steps' apt-get: the daemon has no bridge of its own.
  if ! (cd "$ROOT" && timeout 2400 nice -n 19 "$DOCKER" build --network host --progress plain \
    -f "$dockerfile" -t "$name" "$@" .) >"$LOGS/build-${name%%:*}.log" 2>&1; then
    tail -n 30 "$LOGS/build-${name%%:*}.log" >&2
    fail "docker build -f $dockerfile did not succeed"
  fi
  log "built $name from $dockerfile in $((SECONDS - t)) s ($("$DOCKER" image inspect -f '{{.Size}}' "$name" | numfmt --to=iec))"
}
build_image "bronpoort:$TAG" docker/Dockerfile "${build_args[@]}"
build_image "bronpoort-postgres:$TAG" docker/postgres/Dockerfile
grep -q 'transferring context: [0-9.]*[kM]B\b' "$LOGS/build-bronpoort.log" ||
  fail "no build context transfer in the log: did BuildKit read docker/Dockerfile.dockerignore?"
log "build context: $(grep -o 'transferring context: [0-9.]*[kMG]*B' "$LOGS/build-bronpoort.log" | tail -1)"

# --- 4. the stack, on 127.0.0.1 only --------------------------------------------------------
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export BRONPOORT_PORT=127.0.0.1:$PORT
log "docker-compose -p $PROJECT up (gateway on 127.0.0.1:$PORT)"
t=$SECONDS
# up waits for postgres healthy and db-init's exit 0 before it starts the gateway.
compose 600 up -d --no-build >"$LOGS/up.log" 2>&1 || {
  cat "$LOGS/up.log" >&2
  fail "docker-compose up did not succeed"
}
cid() { # SERVICE: its container, running or not
  "$DOCKER" ps -aq --filter "label=com.docker.compose.project=$PROJECT" \
    --filter "label=com.docker.compose.service=$1"
}
state() { "$DOCKER" inspect -f '{{.State.Status}}/{{if .State.Health}}{{.State.Health.Status}}{{else}}-{{end}}/{{.State.ExitCode}}' "$1"; }
wait_healthy() { # SECONDS SERVICE...
  local limit=$1 s
  shift
  for _ in $(seq 1 "$limit"); do
    local all=1
    for s in "$@"; do
      [ "$(state "$(cid "$s")")" = "running/healthy/0" ] || all=0
    done
    [ $all -eq 1 ] && return 0
    sleep 1
  done
  for s in "$@"; do log "$s: $(state "$(cid "$s")")"; done
  fail "not every one of $* became healthy within $limit s"
}
wait_healthy 240 postgres gateway demo-source
[ "$(state "$(cid db-init)")" = "exited/-/0" ] || fail "db-init is $(state "$(cid db-init)"), not exited/-/0"
"$DOCKER" logs "$(cid db-init)" >"$LOGS/db-init.log" 2>&1
! grep -qi 'password' "$LOGS/db-init.log" || fail "db-init's log shows a password"
log "OK: postgres, gateway and demo-source healthy, db-init exited 0 ($((SECONDS - t)) s after up)"
GW=$(cid gateway)
DS=$(cid demo-source)
PG=$(cid postgres)

# Published on loopback only: Docker's own view and the host's listening sockets.
[ "$("$DOCKER" port "$GW" 8080/tcp)" = "127.0.0.1:$PORT" ] ||
  fail "the gateway is published as '$("$DOCKER" port "$GW" 8080/tcp)', not 127.0.0.1:$PORT only"
listening=$(ss -Hltn "sport = :$PORT" | awk '{ print $4 }' | sort -u | tr '\n' ' ')
[ "$listening" = "127.0.0.1:$PORT " ] || fail "port $PORT listens on: $listening"
for c in "$PG" "$GW"; do
  # No service publishes anything else (postgres: nothing at all).
  [ "$("$DOCKER" port "$c" | grep -vc "^8080/tcp -> 127.0.0.1:$PORT$")" = 0 ] ||
    fail "$("$DOCKER" inspect -f '{{.Name}}' "$c") publishes $("$DOCKER" port "$c")"
done
log "OK: published on 127.0.0.1:$PORT only"

# --- 5. through the gateway ------------------------------------------------------------------
G=http://127.0.0.1:$PORT
BODY=$LOGS/body.json
expect() { # STATUS DESCRIPTION CURL-ARGS...
  local want=$1 what=$2 got
  shift 2
  got=$(curl -s --max-time 30 -o "$BODY" -w '%{http_code}' "$@") || true
  [ "$got" = "$want" ] || {
    head -c 600 "$BODY" >&2
    fail "$what: HTTP $got, expected $want"
  }
  log "OK: $got $what"
}
token() {
  "$DOCKER" exec "$GW" bronpoort token --config /opt/bronpoort/docker/config/gateway.json \
    --ttl 600 "$@" || fail "bronpoort token $* in the gateway container did not succeed"
}
ANALYST=$(token --sub demo-analyst --org 00000001001234567000 --role analyst)
CASE_WORKER=$(token --sub demo-case-worker --org 00000001001234567000 --role case-worker)
AUDITOR=$(token --sub demo-auditor --org 00000001009999999000 --role auditor)

expect 200 "GET /readyz" "$G/readyz"
expect 200 "GET /v1/datasets" "$G/v1/datasets"
expect 200 "sewage measurements (HTTP demo source)" \
  "$G/v1/datasets/sewage-surveillance/measurements?pageSize=3" \
  -H "Authorization: Bearer $ANALYST" -H 'Processing-Purpose: rioolwater-surveillance'
# Responses are HAL: the records are in _embedded.<resource>.
records() { jq '[._embedded[]?] | add | length' "$BODY"; }
[ "$(records)" -gt 0 ] || fail "no measurements in $(head -c 300 "$BODY")"
# A BSN with a debt case, read in the postgres container over its socket (peer authentication).
BSN=$("$DOCKER" exec "$PG" psql -d debt_assistance -tAc "SELECT bsn FROM debt.cases ORDER BY case_id LIMIT 1") ||
  fail "psql in the postgres container could not read debt.cases"
[ -n "$BSN" ] || fail "no debt case in the registry db-init loaded"
search() { # DESCRIPTION DATASET/RESOURCE
  expect 200 "$1" -X POST "$G/v1/datasets/$2/search" -H "Authorization: Bearer $CASE_WORKER" \
    -H 'Processing-Purpose: schuldhulpverlening-intake' -H 'Content-Type: application/json' \
    -d "{\"filters\": {\"bsn\": {\"eq\": \"$BSN\"}}}"
  [ "$(records)" -ge 1 ] || fail "$1: no record in $(head -c 300 "$BODY")"
}
search "person search (HTTP demo source, BSN in the body)" persons/persons
search "debt case search (PostgreSQL as debt_reader over the compose network)" debt-assistance/cases

verify() { # the auditor's endpoint and the CLI in the container: both must say ok
  expect 200 "GET /v1/processing-log/verify (auditor)" "$G/v1/processing-log/verify" \
    -H "Authorization: Bearer $AUDITOR"
  jq -e '.ok == true and (.chains | length > 0) and all(.chains[]; .ok)' "$BODY" >/dev/null ||
    fail "the processing log does not verify: $(head -c 600 "$BODY")"
  "$DOCKER" exec "$GW" bronpoort verify-log --config /opt/bronpoort/docker/config/gateway.json \
    >"$LOGS/verify-log.txt" 2>&1 || {
    cat "$LOGS/verify-log.txt" >&2
    fail "bronpoort verify-log in the gateway container does not verify"
  }
  log "OK: bronpoort verify-log: $(grep -m1 'docker-gateway-1' "$LOGS/verify-log.txt")"
}
verify
RECORDS=$(jq '[.chains[] | select(.chainId == "docker-gateway-1") | .records] | add' "$BODY")
[ "$RECORDS" -gt 0 ] || fail "the gateway's chain docker-gateway-1 has no records"

# --- 6. hardening ---------------------------------------------------------------------------
for c in "$GW" "$DS"; do
  name=$("$DOCKER" inspect -f '{{.Name}}' "$c")
  [ "$("$DOCKER" inspect -f '{{.HostConfig.ReadonlyRootfs}}' "$c")" = true ] ||
    fail "$name: the root filesystem is not read-only"
  # Even uid 0 cannot write: it is the filesystem, not a permission.
  if "$DOCKER" exec -u 0 "$c" touch /opt/bronpoort/write-probe 2>"$LOGS/ro.txt"; then
    fail "$name: uid 0 wrote to /opt/bronpoort"
  fi
  grep -q 'Read-only file system' "$LOGS/ro.txt" || fail "$name: write refused, but not as read-only: $(cat "$LOGS/ro.txt")"
  "$DOCKER" exec "$c" sh -c 'echo probe >/tmp/write-probe && rm /tmp/write-probe' ||
    fail "$name: /tmp (tmpfs) is not writable"
  # The service's own process (PID 1 of the container): uid 10001, no capabilities, no new privileges.
  "$DOCKER" exec "$c" cat /proc/1/status >"$LOGS/status.txt"
  awk '$1 == "Uid:" || $1 == "Gid:" { for (i = 2; i <= 5; i++) if ($i != 10001) bad = 1 }
       $1 == "CapEff:" || $1 == "CapPrm:" || $1 == "CapBnd:" { if ($2 !~ /^0+$/) bad = 1 }
       $1 == "NoNewPrivs:" { if ($2 != 1) bad = 1 }
       END { exit bad }' "$LOGS/status.txt" ||
    fail "$name: PID 1 is not uid/gid 10001 without capabilities: $(grep -E 'Uid|Gid|Cap|NoNewPrivs' "$LOGS/status.txt" | tr '\n' ' ')"
  [ "$("$DOCKER" exec "$c" id -u)" = 10001 ] || fail "$name: exec runs as $("$DOCKER" exec "$c" id -u)"
done
owner=$("$DOCKER" exec "$GW" stat -c %u /var/lib/bronpoort/bronpoort.db)
[ "$owner" = 10001 ] || fail "the log database in the volume is owned by uid $owner, not 10001"
log "OK: read-only root (even for uid 0), writable /tmp, uid/gid 10001, no capabilities, no new privileges, log in the volume owned by 10001"

# --- 7. SIGTERM, and a start again ------------------------------------------------------------
t=$SECONDS
timeout 60 "$DOCKER" stop -t 20 "$GW" >/dev/null
took=$((SECONDS - t))
read -r code oom < <("$DOCKER" inspect -f '{{.State.ExitCode}} {{.State.OOMKilled}}' "$GW")
"$DOCKER" logs "$GW" >"$LOGS/gateway.log" 2>&1
[ "$code/$oom" = 0/false ] ||
  fail "the gateway exited $code (OOM killed: $oom) on docker stop, after $took s"
[ "$took" -lt 20 ] || fail "docker stop took $took s: the gateway did not end on SIGTERM, Docker killed it"
grep -q '"event":"shutdown".*"signal":15' "$LOGS/gateway.log" ||
  fail "the gateway's log has no shutdown on signal 15 (SIGTERM): $(tail -n 3 "$LOGS/gateway.log")"
log "OK: docker stop (SIGTERM): the gateway exited 0 after $took s"

compose 120 start gateway >>"$LOGS/up.log" 2>&1 || fail "compose start gateway did not succeed"
# The demo source lives in the gateway's network namespace: a new gateway container needs it again.
"$DOCKER" restart -t 10 "$DS" >/dev/null
wait_healthy 120 gateway demo-source
expect 200 "sewage measurements after the restart" \
  "$G/v1/datasets/sewage-surveillance/measurements?pageSize=3" \
  -H "Authorization: Bearer $ANALYST" -H 'Processing-Purpose: rioolwater-surveillance'
verify
after=$(jq '[.chains[] | select(.chainId == "docker-gateway-1") | .records] | add' "$BODY")
[ "$after" -gt "$RECORDS" ] || fail "the chain has $after records after the restart, had $RECORDS before"
log "OK: the chain continued in the volume across the restart ($RECORDS -> $after records) and verifies"

# --- 8. down -v, and the daemon stopped ------------------------------------------------------
compose 120 down -v --remove-orphans -t 15 >"$LOGS/down.log" 2>&1 || {
  cat "$LOGS/down.log" >&2
  fail "docker-compose down -v did not succeed"
}
left=$("$DOCKER" ps -aq | wc -l)/$("$DOCKER" volume ls -q | wc -l)/$("$DOCKER" network ls -q --filter "name=$PROJECT" | wc -l)
[ "$left" = 0/0/0 ] || fail "down -v left containers/volumes/networks: $left"
log "OK: down -v left no container, volume or network"
pid=$DOCKERD_PID
stop_daemon
! kill -0 "$pid" 2>/dev/null || fail "dockerd $pid is still running"
[ -z "$(pids_naming "$RUN_DIR/")" ] || fail "processes of this daemon are still running: $(pids_naming "$RUN_DIR/")"
[ -z "$(mounts_under "$DATA_ROOT")$(mounts_under "$RUN_DIR")" ] || fail "mounts left under $DATA_ROOT or $RUN_DIR"
rm -rf --one-file-system "$DATA_ROOT" "$RUN_DIR"
log "OK: dockerd $pid stopped, no mounts left, data root removed"
log "ALL OK ($(elapsed), storage driver $DRIVER, binaries: $BINARIES)"
