#!/usr/bin/env bash
# The demo: synthetic source holders, a throwaway PostgreSQL registry, demo tokens, and the gateway
# in the foreground with the embedded SQLite log. Called by `./scripts/run.sh demo` after building.
# Everything here is DEMO ONLY: the keys, the tokens and the data (generated from a seed).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BRONPOORT_BUILD_DIR:-$ROOT/build}
VAR=$ROOT/var
CONFIG=$ROOT/config/gateway.json
PERSONS=${BRONPOORT_DEMO_PERSONS:-100000}
log() { printf '\033[1;34m[bronpoort]\033[0m %s\n' "$*" >&2; }
mkdir -p "$VAR"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  "$ROOT/scripts/pg-cluster.sh" stop "$VAR/pg/data" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

wait_for_port() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

log "starting the demo source holders on 127.0.0.1:8091 ($PERSONS persons, deterministic)"
"$BUILD/bronpoort-demo-source" --port 8091 --persons "$PERSONS" >"$VAR/demo-source.log" 2>&1 &
pids+=($!)
wait_for_port 8091 || { log "the demo source did not start; see $VAR/demo-source.log"; exit 1; }

# A witness (its own process and SQLite file under var/witness/) that cosigns the log's checkpoints
# only if they extend what it saw before; the gateway pushes every checkpoint to it.
log "starting the demo witness on 127.0.0.1:8092 (store var/witness/witness.db)"
"$BUILD/bronpoort" witness --config "$ROOT/config/witness.json" >"$VAR/witness.log" 2>&1 &
pids+=($!)
if wait_for_port 8092 && command -v jq >/dev/null; then
  # The committed gateway.json plus the witness, beside it so that its relative paths still hold.
  jq '.processingLog.witnesses = [{"name": "witness.local/demo", "url": "http://127.0.0.1:8092",
        "publicKeyFile": "keys/demo-witness-ed25519.pub.pem"}]
      | .processingLog.checkpointEverySeconds = 10' "$CONFIG" >"$ROOT/config/.demo-gateway.json"
  CONFIG=$ROOT/config/.demo-gateway.json
else
  log "the witness did not start or jq is missing (see $VAR/witness.log): running without a witness"
fi

log "starting PostgreSQL for the debt-assistance registry"
mkdir -p "$VAR/pg"
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$VAR/pg"
if PG_DSN=$("$ROOT/scripts/pg-cluster.sh" start "$VAR/pg/data" 2>>"$VAR/pg.log") &&
  DEBT_DSN=$(BRONPOORT_BUILD_DIR=$BUILD "$ROOT/scripts/load-demo-pg.sh" "$PG_DSN" 2>>"$VAR/pg.log" | tail -1); then
  export BRONPOORT_DEBT_PG_DSN="$DEBT_DSN"
  PG_OK=1
else
  log "PostgreSQL could not start (see $VAR/pg.log): the demo runs with the HTTP sources only;"
  log "debt-assistance answers 503 source-unavailable until a database is reachable."
  export BRONPOORT_DEBT_PG_DSN="host=127.0.0.1 port=1 dbname=unavailable user=debt_reader connect_timeout=1"
  PG_OK=0
fi

token() { "$BUILD/bronpoort" token --config "$CONFIG" --ttl 28800 "$@"; }
CASE_WORKER=$(token --sub demo-case-worker --org 00000001001234567000 --role case-worker)
ANALYST=$(token --sub demo-analyst --org 00000001001234567000 --role analyst)
AUDITOR=$(token --sub demo-auditor --org 00000001009999999000 --role auditor)
PRIVACY_OFFICER=$(token --sub demo-fg --org 00000001001234567000 --role privacy-officer)
BSN=$(curl -s -X POST -H 'Content-Type: application/json' \
  -d '{"filters":[],"sort":[],"fields":[],"offset":0,"limit":1,"includeTotal":false}' \
  http://127.0.0.1:8091/brp/persons/query | sed -n 's/.*"bsn":"\([0-9]*\)".*/\1/p' | head -1)
CITIZEN=$(token --sub demo-citizen --org 00000001001234567000 --role data-subject --bsn "${BSN:-999990019}")

cat <<INFO

  Bronpoort demo — DEMO ONLY keys, tokens and synthetic data. Gateway: http://127.0.0.1:8080

  Portal (in your browser): http://127.0.0.1:8080/portal/
    catalog without signing in; "Inloggen" offers the DEMO ONLY sign-in for every role.
    A citizen to sign in as: BSN ${BSN:-999990019} (look them up as case worker first, below).

  export CASE_WORKER='$CASE_WORKER'
  export ANALYST='$ANALYST'
  export AUDITOR='$AUDITOR'
  export PRIVACY_OFFICER='$PRIVACY_OFFICER'
  export CITIZEN='$CITIZEN'

  # What exists (public): catalog, purposes, the OpenAPI document
  curl -s http://127.0.0.1:8080/v1/datasets | head -c 600
  curl -s http://127.0.0.1:8080/v1/purposes/schuldhulpverlening-intake
  curl -s http://127.0.0.1:8080/v1/openapi.json | head -c 300

  # A case worker looks up one person for a debt-assistance intake (BSN only in the body):
  curl -s -X POST http://127.0.0.1:8080/v1/datasets/persons/persons/search \\
    -H "Authorization: Bearer \$CASE_WORKER" -H 'Processing-Purpose: schuldhulpverlening-intake' \\
    -H 'Content-Type: application/json' -d '{"filters": {"bsn": {"eq": "${BSN:-999990019}"}}}' -i

  # ... without a purpose (400), or for a second subject (403):
  curl -s -X POST http://127.0.0.1:8080/v1/datasets/persons/persons/search \\
    -H "Authorization: Bearer \$CASE_WORKER" -H 'Content-Type: application/json' -d '{}'
  curl -s -X POST http://127.0.0.1:8080/v1/datasets/persons/persons/search \\
    -H "Authorization: Bearer \$CASE_WORKER" -H 'Processing-Purpose: schuldhulpverlening-intake' \\
    -H 'Content-Type: application/json' -d '{"filters": {}}'

  # Would an analyst get business data for 'bedrijven-analyse'? (dry run, what is missing)
  curl -s -X POST http://127.0.0.1:8080/v1/access-checks -H "Authorization: Bearer \$ANALYST" \\
    -H 'Content-Type: application/json' \\
    -d '{"role":"analyst","purpose":"bedrijven-analyse","dataset":"businesses","resource":"businesses","fields":["name","sbiCode"]}'

  # Sewage measurements (non-personal sensor data, pre-approved purpose):
  curl -s 'http://127.0.0.1:8080/v1/datasets/sewage-surveillance/measurements?pageSize=3' \\
    -H "Authorization: Bearer \$ANALYST" -H 'Processing-Purpose: rioolwater-surveillance'

  # The debt-assistance registry in PostgreSQL (${PG_OK/#1/running}${PG_OK/#0/not running: expect 503}):
  curl -s -X POST http://127.0.0.1:8080/v1/datasets/debt-assistance/cases/search \\
    -H "Authorization: Bearer \$CASE_WORKER" -H 'Processing-Purpose: schuldhulpverlening-intake' \\
    -H 'Content-Type: application/json' -d '{"filters": {"bsn": {"eq": "${BSN:-999990019}"}}}'

  # The trusted third party: debt cases linked to persons on BSN, delivered as aggregates or
  # pseudonymised rows (a walk-through: refused run, access requests, approvals, deliveries):
  curl -s http://127.0.0.1:8080/v1/linked-queries
  scripts/demo-linkage.sh

  # The auditor reads the processing log (each read is itself recorded); the municipality's
  # privacy officer reads its own organisation's requests; a citizen sees only their own records
  # (a citizen's or case worker's token gets 403 on the organisation's log):
  curl -s 'http://127.0.0.1:8080/v1/processing-log?pageSize=5' -H "Authorization: Bearer \$AUDITOR"
  curl -s 'http://127.0.0.1:8080/v1/processing-log?pageSize=5' -H "Authorization: Bearer \$PRIVACY_OFFICER"
  curl -s http://127.0.0.1:8080/v1/processing-log/verify -H "Authorization: Bearer \$AUDITOR"
  curl -s http://127.0.0.1:8080/v1/my-processing-log -H "Authorization: Bearer \$CITIZEN"

  # The verifiable log: the receipt header of a response names its records; the latest signed
  # checkpoint, an inclusion proof for a record and a consistency proof between two sizes:
  curl -s http://127.0.0.1:8080/v1/processing-log/chains/gateway-1/checkpoint -H "Authorization: Bearer \$AUDITOR"
  curl -s 'http://127.0.0.1:8080/v1/processing-log/chains/gateway-1/inclusion-proof?seq=1' -H "Authorization: Bearer \$AUDITOR"
  curl -s 'http://127.0.0.1:8080/v1/processing-log/chains/gateway-1/consistency-proof?firstSize=1&secondSize=2' -H "Authorization: Bearer \$AUDITOR"
  # What the witness cosigned, and verify-log checking the log against it (in another shell
  # while the demo runs: without its witness verify-log fails with witness-unreachable):
  curl -s http://127.0.0.1:8092/checkpoints/bronpoort.local/processing-log/gateway-1
  build/bronpoort verify-log --config $CONFIG

  # Operations:
  curl -s http://127.0.0.1:8080/readyz; curl -s http://127.0.0.1:8080/metrics | grep bronpoort_http

  Stop with Ctrl-C.
INFO

log "starting the gateway"
"$BUILD/bronpoort" serve --config "$CONFIG" &
pids+=($!)
wait "${pids[-1]}"
