#!/usr/bin/env bash
# Step 3 of docker/verify-in-chroot.sh (run by it, inside `unshare --net`): starts the services
# of docker/compose.yaml from the chroot images in WORKDIR, in compose's order, each with the
# environment, command, user and healthcheck compose and the Dockerfile give it, and sends
# requests through the gateway. Exits non-zero at the first thing that does not work.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${1:?WORKDIR}
TOOLS=${BRONPOORT_BUILD_DIR:-$ROOT/build}/tools/docker-check
log() { printf '\033[1;34m[services]\033[0m %s\n' "$*" >&2; }
fail() {
  log "FAIL: $*"
  exit 1
}

ip link set lo up
# Compose's DNS gives the service name; here every service shares one loopback.
for r in runtime postgres; do
  grep -q ' postgres$' "$WORK/$r/etc/hosts" 2>/dev/null || echo "127.0.0.1 postgres" >>"$WORK/$r/etc/hosts"
  mountpoint -q "$WORK/$r/proc" || mount -t proc proc "$WORK/$r/proc"
  mountpoint -q "$WORK/$r/dev" || mount --bind /dev "$WORK/$r/dev"
done

# Each service as compose defines it: root (image), user, environment, argv, healthcheck.
[ -f "$TOOLS/node_modules/js-yaml/package.json" ] ||
  npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error js-yaml@4 >&2
mkdir -p "$WORK/services"
NODE_PATH=$TOOLS/node_modules node - "$ROOT" "$WORK" <<'JS'
const fs = require("fs"), path = require("path"), yaml = require("js-yaml");
const [root, work] = process.argv.slice(2);
const doc = yaml.load(fs.readFileSync(path.join(root, "docker/compose.yaml"), "utf8"));
const interpolate = (s) =>
  String(s).replace(/\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g, (_, n, d) => process.env[n] ?? d ?? "");
for (const [name, svc] of Object.entries(doc.services)) {
  const image = svc.build.dockerfile === "docker/postgres/Dockerfile" ? "postgres" : "runtime";
  const meta = fs.readFileSync(path.join(work, image, ".image"), "utf8").split("\n");
  const instr = (k) => (meta.find((l) => l.startsWith(k + " ")) || "").slice(k.length + 1);
  const user = instr("USER").split(":")[0] || "root";
  const entrypoint = instr("ENTRYPOINT") ? JSON.parse(instr("ENTRYPOINT")) : [];
  const command = svc.command ? svc.command.map(interpolate) : instr("CMD") ? JSON.parse(instr("CMD")) : [];
  const env = Object.entries(svc.environment || {}).map(([k, v]) => `${k}=${interpolate(v)}`);
  const health = svc.healthcheck ? svc.healthcheck.test.slice(1) : [];
  const out = { image, user, argv: [...entrypoint, ...command], env, health };
  fs.writeFileSync(path.join(work, "services", name + ".json"), JSON.stringify(out));
}
JS

field() { node -e 'const s = require(process.argv[1]); const v = s[process.argv[2]];
  process.stdout.write(Array.isArray(v) ? v.join("\0") : String(v))' "$WORK/services/$1.json" "$2"; }

# The command that runs ARGV in SERVICE's root as its user, with the image's ENV and compose's
# environment, into SERVICE_CMD. Run it as a simple command, so that a background job's $! is the
# service's own process (chroot, env and the entrypoint exec into it): signals reach it as
# Docker's would.
service_cmd() { # SERVICE ARGV...
  local svc=$1 image user uid gid home
  shift
  image=$WORK/$(field "$svc" image)
  user=$(field "$svc" user)
  # USER is a name or a numeric uid (the gateway image's 10001:10001).
  IFS=: read -r _ _ uid gid _ home _ < <(awk -F: -v u="$user" '$1 == u || $3 == u' "$image/etc/passwd")
  local env=()
  mapfile -t env <"$image/.env"
  local compose_env=()
  mapfile -d '' -t compose_env < <(field "$svc" env)
  SERVICE_CMD=(chroot --userspec="$uid:$gid" "$image" /usr/bin/env -i
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME="$home"
    "${env[@]}" "${compose_env[@]}" "$@")
}
in_service() {
  service_cmd "$@"
  "${SERVICE_CMD[@]}"
}
argv() { mapfile -d '' -t ARGV < <(field "$1" argv); }

pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

start() { # SERVICE
  argv "$1"
  log "start $1: ${ARGV[*]}"
  service_cmd "$1" "${ARGV[@]}"
  "${SERVICE_CMD[@]}" >"$WORK/services/$1.log" 2>&1 &
  pids+=($!)
  eval "PID_${1//-/_}=$!"
}

healthy() { # SERVICE [TRIES]: the compose healthcheck, as the service's user in its root
  local health=()
  mapfile -d '' -t health < <(field "$1" health)
  for _ in $(seq 1 "${2:-60}"); do
    if in_service "$1" "${health[@]}" >/dev/null 2>&1; then
      log "$1 is healthy (${health[*]})"
      return 0
    fi
    sleep 1
  done
  cat "$WORK/services/$1.log" >&2
  fail "$1 did not become healthy"
}

start postgres
healthy postgres

argv db-init
log "run db-init: ${ARGV[*]}"
in_service db-init "${ARGV[@]}" >"$WORK/services/db-init.log" 2>&1 ||
  { cat "$WORK/services/db-init.log" >&2; fail "db-init did not complete successfully"; }
cat "$WORK/services/db-init.log" >&2
grep -q "password" "$WORK/services/db-init.log" && fail "db-init's output shows a password"

start gateway
healthy gateway
start demo-source
healthy demo-source 120

# Requests through the gateway, with tokens from the image's demo issuer (as `compose exec`).
gw() { in_service gateway "$@"; }
token() { gw bronpoort token --config /opt/bronpoort/docker/config/gateway.json --ttl 600 "$@"; }
expect() { # STATUS DESCRIPTION CURL-ARGS...
  local want=$1 what=$2 got
  shift 2
  got=$(gw curl -s -o /tmp/body -w '%{http_code}' "$@")
  gw cat /tmp/body >"$WORK/services/last-body.json"
  [ "$got" = "$want" ] || { cat "$WORK/services/last-body.json" >&2; fail "$what: HTTP $got, expected $want"; }
  log "OK $got $what"
}
ANALYST=$(token --sub demo-analyst --org 00000001001234567000 --role analyst)
CASE_WORKER=$(token --sub demo-case-worker --org 00000001001234567000 --role case-worker)
AUDITOR=$(token --sub demo-auditor --org 00000001009999999000 --role auditor)
# A BSN with a debt case, read with db-init's superuser environment.
BSN=$(in_service db-init psql "host=postgres port=5432 user=postgres dbname=debt_assistance" -tAc \
  "SELECT bsn FROM debt.cases ORDER BY case_id LIMIT 1")
[ -n "$BSN" ] || fail "no debt case in the registry db-init loaded"

G=http://127.0.0.1:8080
expect 200 "GET /readyz" $G/readyz
expect 200 "GET /v1/datasets (catalog)" $G/v1/datasets
expect 200 "sewage measurements from the HTTP demo source" \
  "$G/v1/datasets/sewage-surveillance/measurements?pageSize=3" \
  -H "Authorization: Bearer $ANALYST" -H 'Processing-Purpose: rioolwater-surveillance'
grep -q '"' "$WORK/services/last-body.json" || fail "empty sewage answer"
expect 200 "person search (HTTP source, BSN in the body)" -X POST \
  $G/v1/datasets/persons/persons/search -H "Authorization: Bearer $CASE_WORKER" \
  -H 'Processing-Purpose: schuldhulpverlening-intake' -H 'Content-Type: application/json' \
  -d "{\"filters\": {\"bsn\": {\"eq\": \"$BSN\"}}}"
expect 200 "debt case search (PostgreSQL source as debt_reader)" -X POST \
  $G/v1/datasets/debt-assistance/cases/search -H "Authorization: Bearer $CASE_WORKER" \
  -H 'Processing-Purpose: schuldhulpverlening-intake' -H 'Content-Type: application/json' \
  -d "{\"filters\": {\"bsn\": {\"eq\": \"$BSN\"}}}"
grep -q caseId "$WORK/services/last-body.json" || fail "the debt case search returned no case"
expect 200 "processing log verification (auditor)" $G/v1/processing-log/verify \
  -H "Authorization: Bearer $AUDITOR"
log "processing log: $(cat "$WORK/services/last-body.json" | head -c 200)"

owner=$(stat -c %u "$WORK/runtime/var/lib/bronpoort/bronpoort.db")
[ "$owner" = 10001 ] || fail "the log database is owned by uid $owner, not bronpoort (10001)"
log "OK the processing log is in the volume path /var/lib/bronpoort, owned by bronpoort"

# docker stop: SIGTERM, and the gateway drains and exits 0.
kill -TERM "$PID_gateway"
status=0
wait "$PID_gateway" || status=$?
[ $status -eq 0 ] || fail "the gateway exited $status on SIGTERM"
log "OK the gateway stopped cleanly on SIGTERM"
log "ALL OK"
