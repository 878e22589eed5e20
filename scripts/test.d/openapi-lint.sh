#!/usr/bin/env bash
# Lints the gateway's OpenAPI document with the NL API Design Rules linter (Spectral with
# shared/standards/adr-linter.yaml, which also validates against the OpenAPI 3.0 schema).
# Zero errors are required. The document comes from a running gateway when BRONPOORT_OPENAPI_URL
# is set (e.g. http://127.0.0.1:8080/v1/openapi.json), otherwise from `bronpoort openapi` with the
# demo config. Spectral is installed once with npm into build/tools (ignored by git), never at
# build time.
#
# The ruleset lives outside the repository (BRONPOORT_ADR_RULESET overrides where). A fresh clone
# with nothing beside it has none: then this check says so and is skipped, so that the README's
# test command passes there. CI has the ruleset; with CI=true a missing ruleset is an error, so the
# check can never be skipped silently where it is meant to run.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../lib/gateway-port.sh
. "$ROOT/scripts/lib/gateway-port.sh"
BUILD_DIR=${BRONPOORT_BUILD_DIR:-$ROOT/build}
TOOLS=$BUILD_DIR/tools
RULESET=${BRONPOORT_ADR_RULESET:-$ROOT/../shared/standards/adr-linter.yaml}
CONFIG=${BRONPOORT_OPENAPI_CONFIG:-$ROOT/config/gateway.json}
log() { printf '\033[1;34m[openapi-lint]\033[0m %s\n' "$*" >&2; }

if [ ! -f "$RULESET" ]; then
  if [ "${CI:-}" = "true" ]; then
    log "FAILED: the ADR linter ruleset is missing: $RULESET (CI must run this check)"
    exit 1
  fi
  log "SKIPPED: the ADR linter ruleset is not here: $RULESET"
  log "  the OpenAPI lint is not run (CI runs it); to run it here, set BRONPOORT_ADR_RULESET"
  log "  or place shared/standards/adr-linter.yaml beside the clone"
  exit 0
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
  # The document does not depend on database credentials: give DSN variables the sources
  # reference a placeholder when the environment does not set them.
  for var in $(grep -oh '\${[A-Z0-9_]*}' "$ROOT"/config/sources/*.json 2>/dev/null | tr -d '${}' | sort -u); do
    [ -n "${!var:-}" ] || export "$var=host=127.0.0.1 port=1 dbname=unused-by-openapi connect_timeout=1"
  done
  # Serve the demo config for real, on a free port and with a throwaway store, and lint what the
  # running gateway serves. The copy sits beside the original so its relative paths still hold.
  LINT_CONFIG=$(dirname "$CONFIG")/.openapi-lint-gateway.$$.json
  node -e '
    const fs = require("fs");
    const c = JSON.parse(fs.readFileSync(process.argv[1]));
    c.server.listeners = [{address: "127.0.0.1", port: 0}];
    if (c.store && c.store.kind === "sqlite") c.store.path = process.argv[3];
    fs.writeFileSync(process.argv[2], JSON.stringify(c));
  ' "$CONFIG" "$LINT_CONFIG" "$WORK/lint.db"
  "$BUILD_DIR/bronpoort" serve --config "$LINT_CONFIG" 2>"$WORK/gateway.log" &
  GATEWAY=$!
  trap 'kill $GATEWAY 2>/dev/null; rm -f "$LINT_CONFIG"; rm -rf "$WORK"' EXIT
  PORT=$(gateway_port "$WORK/gateway.log" $GATEWAY) || case $? in
    1) cat "$WORK/gateway.log" >&2; log "the gateway did not start"; exit 1 ;;
    *) log "the gateway did not report its port"; exit 1 ;;
  esac
  log "fetching the document served by the demo gateway on port $PORT"
  curl -fsS "http://127.0.0.1:$PORT/v1/openapi.json" -o "$DOC"
fi

log "linting with $(basename "$RULESET")"
# --fail-severity error: warnings are reported but only errors fail the run.
"$SPECTRAL" lint --fail-severity error -r "$RULESET" "$DOC"
log "OK: no errors"
