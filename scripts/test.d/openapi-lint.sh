#!/usr/bin/env bash
# Lints the gateway's OpenAPI document with the NL API Design Rules linter (Spectral with
# shared/standards/adr-linter.yaml, which also validates against the OpenAPI 3.0 schema).
# Zero errors are required. The document comes from a running gateway when BRONPOORT_OPENAPI_URL
# is set (e.g. http://127.0.0.1:8080/v1/openapi.json), otherwise from `bronpoort openapi` with the
# demo config. Spectral is installed once with npm into build/tools (ignored by git), never at
# build time.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=${BRONPOORT_BUILD_DIR:-$ROOT/build}
TOOLS=$BUILD_DIR/tools
RULESET=${BRONPOORT_ADR_RULESET:-$ROOT/../shared/standards/adr-linter.yaml}
CONFIG=${BRONPOORT_OPENAPI_CONFIG:-$ROOT/config/gateway.json}
log() { printf '\033[1;34m[openapi-lint]\033[0m %s\n' "$*" >&2; }

if [ ! -f "$RULESET" ]; then
  log "ruleset not found: $RULESET"
  exit 1
fi
SPECTRAL=$TOOLS/node_modules/.bin/spectral
if [ ! -x "$SPECTRAL" ]; then
  log "installing @stoplight/spectral-cli into $TOOLS"
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error @stoplight/spectral-cli@6 >&2
fi

WORK=$(mktemp -d /tmp/bronpoort-openapi.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
DOC=$WORK/openapi.json

if [ -n "${BRONPOORT_OPENAPI_URL:-}" ]; then
  log "fetching $BRONPOORT_OPENAPI_URL"
  curl -fsS "$BRONPOORT_OPENAPI_URL" -o "$DOC"
else
  if [ ! -f "$CONFIG" ] || ! grep -q '"catalog"' "$CONFIG"; then
    # The gateway config does not publish a catalog (yet): lint the document for the demo sources
    # and purposes with a minimal config of their own.
    CONFIG=$WORK/gateway.json
    ACCESS=""
    [ -d "$ROOT/config/purposes" ] && ACCESS="\"access\": {\"purposes\": \"$ROOT/config/purposes\"},"
    cat > "$CONFIG" <<JSON
{
  "server": {"listeners": [{"port": 0}]},
  $ACCESS
  "sources": {"directory": "$ROOT/config/sources", "schemaDirectory": "$ROOT/schemas/datasets"},
  "catalog": {"title": "Bronpoort (demo)",
              "contact": {"name": "Bronpoort demo", "email": "bronpoort@example.nl",
                          "url": "https://bronpoort.example.nl"}}
}
JSON
  fi
  # The document does not depend on database credentials: give DSN variables the sources
  # reference a placeholder when the environment does not set them.
  for var in $(grep -oh '\${[A-Z0-9_]*}' "$ROOT"/config/sources/*.json 2>/dev/null | tr -d '${}' | sort -u); do
    [ -n "${!var:-}" ] || export "$var=host=127.0.0.1 dbname=unused-by-openapi"
  done
  log "generating the document from $CONFIG"
  "$BUILD_DIR/bronpoort" openapi --config "$CONFIG" > "$DOC"
fi

log "linting with $(basename "$RULESET")"
# --fail-severity error: warnings are reported but only errors fail the run.
"$SPECTRAL" lint --fail-severity error -r "$RULESET" "$DOC"
log "OK: no errors"
