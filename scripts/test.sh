#!/usr/bin/env bash
# Runs every test against the build in build/. Called by `./scripts/run.sh test` after building.
# Starts a throwaway PostgreSQL cluster for the tests that need a real database and removes it after.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BRONPOORT_BUILD_DIR:-$ROOT/build}
JOBS=${BRONPOORT_JOBS:-2}
log() { printf '\033[1;34m[bronpoort]\033[0m %s\n' "$*" >&2; }

PG_DIR=$(mktemp -d /tmp/bronpoort-test-pg.XXXXXX)
cleanup() {
  "$ROOT/scripts/pg-cluster.sh" stop "$PG_DIR/data" || true
  rm -rf "$PG_DIR"
}
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DIR"

log "starting a throwaway PostgreSQL cluster"
BRONPOORT_TEST_PG_DSN=$("$ROOT/scripts/pg-cluster.sh" start "$PG_DIR/data")
export BRONPOORT_TEST_PG_DSN
# Tests that need PostgreSQL fail instead of skipping when this is set.
export BRONPOORT_REQUIRE_PG=1
log "PostgreSQL is up ($BRONPOORT_TEST_PG_DSN)"

status=0
for extra in "$ROOT"/scripts/test.d/*.sh; do
  [ -e "$extra" ] || continue
  log "running $(basename "$extra")"
  bash "$extra" || status=1
done

log "running ctest"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" || status=1
exit $status
