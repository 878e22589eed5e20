#!/usr/bin/env bash
# The trusted third party in the running demo (DEMO ONLY tokens): an analyst of Demostad asks for
# debt assistance per municipality and age group, which needs the debt-assistance cases
# (PostgreSQL) linked to the persons registry (HTTP) on BSN.
#   1. the run is refused: no grant on either input, and nothing is fetched;
#   2. the analyst files an access request per input, and each holder's source admin approves;
#   3. the run delivers aggregates (small cells suppressed), then rows under pseudonyms;
#   4. the auditor reads the run's audit record.
# Needs the demo (./scripts/run.sh demo) on BRONPOORT_DEMO_URL (default http://127.0.0.1:8080).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BRONPOORT_BUILD_DIR:-$ROOT/build}
CONFIG=$ROOT/config/gateway.json
URL=${BRONPOORT_DEMO_URL:-http://127.0.0.1:8080}
QUERY=$URL/v1/linked-queries/schuldhulp-per-leeftijdsgroep
step() { printf '\n\033[1;34m== %s\033[0m\n' "$*"; }

token() { "$BUILD/bronpoort" token --config "$CONFIG" --ttl 3600 "$@"; }
ANALYST=$(token --sub demo-analyst --org 00000001001234567000 --role analyst)
DEBT_ADMIN=$(token --sub demo-debt-admin --org 00000099000000000005 --role source-admin)
RVIG_ADMIN=$(token --sub demo-rvig-admin --org 00000099000000000001 --role source-admin)
AUDITOR=$(token --sub demo-auditor --org 00000001009999999000 --role auditor)

# Runs the linked query with body $1; prints at most $2 bytes of the answer.
run() {
  curl -s -o "$BODY" -D "$HEADERS" -X POST "$QUERY/results" -H "Authorization: Bearer $ANALYST" \
    -H 'Processing-Purpose: schuldhulp-monitor' -H 'Content-Type: application/json' -d "$1"
  head -c "${2:-2000}" "$BODY"
  [ "$(wc -c <"$BODY")" -le "${2:-2000}" ] || printf ' ...'
  echo
}
HEADERS=$(mktemp)
BODY=$(mktemp)
trap 'rm -f "$HEADERS" "$BODY"' EXIT

step "What the trusted third party offers (public)"
curl -s "$QUERY"
echo

step "A run without grants: 403, and no input is read"
run '{"delivery": "aggregate"}'

# Files an access request for the analyst and has the holder's admin approve it.
grant() {
  local dataset=$1 resource=$2 fields=$3 admin=$4 filed id
  filed=$(curl -s -X POST "$URL/v1/access-requests" -H "Authorization: Bearer $ANALYST" \
    -H 'Content-Type: application/json' \
    -d "{\"role\": \"analyst\", \"purpose\": \"schuldhulp-monitor\", \"dataset\": \"$dataset\",
         \"resource\": \"$resource\", \"fields\": $fields,
         \"motivation\": \"Debt-assistance monitor, linked and aggregated by the TTP.\"}")
  id=$(echo "$filed" | grep -o '"id":"ar-[^"]*"' | head -1 | cut -d'"' -f4)
  [ -n "$id" ] || { echo "  $dataset: the access request was not accepted: $filed" >&2; exit 1; }
  if echo "$filed" | grep -q '"state":"approved"'; then
    echo "  $dataset/$resource: request $id approved at once (an earlier approval is precedent)"
    return
  fi
  curl -s -o /dev/null -w "  $dataset/$resource: request $id approved by its holder (%{http_code})\n" \
    -X POST "$URL/v1/access-requests/$id/approve" -H "Authorization: Bearer $admin" \
    -H 'Content-Type: application/json' -d '{"reason": "Approved for the monitor (demo)."}'
}
step "The analyst asks both holders; their source admins approve"
grant debt-assistance cases '["bsn", "municipality", "openedDate", "status", "debtAmount"]' "$DEBT_ADMIN"
grant persons persons '["bsn", "birthDate", "municipality"]' "$RVIG_ADMIN"

step "Aggregates: cells with at least 10 people; the rest only counted"
run '{"delivery": "aggregate"}' 1200
TRACE=$(grep -i '^traceparent:' "$HEADERS" | cut -d- -f2)

step "Rows under a pseudonym for this organisation and purpose "
run '{"delivery": "rows", "filters": {"status": {"eq": "open"}}}' 600

step "A filter on a BSN would single someone out: 400"
run '{"delivery": "rows", "filters": {"bsn": {"eq": "999990019"}}}'

step "The auditor: the run's audit record (every input fetch is logged under the same trace)"
curl -s "$URL/v1/processing-log?traceId=$TRACE&kind=audit&pageSize=500" \
  -H "Authorization: Bearer $AUDITOR" | grep -o '"details":{"deliveredCells.*"linkedRows":[0-9]*' ||
  echo "(see $URL/v1/processing-log?traceId=$TRACE)"
echo
