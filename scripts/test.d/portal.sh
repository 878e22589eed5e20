#!/usr/bin/env bash
# The portal in a real browser: playwright-core (npm, pinned in portal/package-lock.json) drives
# Debian's chromium (installed by scripts/run.sh; no browser is ever downloaded) against the real
# gateway and demo source, with axe-core on every screen. See portal/tests/portal.test.mjs.
# Also checks that the committed portal/dist is exactly what portal/build.mjs makes from
# portal/src and the pinned NL Design System packages.
# Screenshots go to a temporary directory; BRONPOORT_PORTAL_SCREENSHOTS=docs/portal refreshes the
# committed ones.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=${BRONPOORT_BUILD_DIR:-$ROOT/build}
CHROMIUM=${BRONPOORT_CHROMIUM:-/usr/bin/chromium}
log() { printf '\033[1;34m[portal]\033[0m %s\n' "$*" >&2; }

if [ ! -x "$CHROMIUM" ]; then
  log "chromium not found at $CHROMIUM (./scripts/run.sh installs Debian's chromium package)"
  exit 1
fi
cd "$ROOT/portal"
LOCK_SUM=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.bronpoort-lock 2>/dev/null)" != "$LOCK_SUM" ]; then
  log "installing the portal's pinned npm packages (npm ci)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >&2
  echo "$LOCK_SUM" >node_modules/.bronpoort-lock
fi

WORK=$(mktemp -d /tmp/bronpoort-portal.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
node build.mjs --check "$WORK/dist" >/dev/null
if ! diff -r dist "$WORK/dist" >&2; then
  log "portal/dist is not what portal/build.mjs makes from portal/src: run 'node portal/build.mjs' and commit"
  exit 1
fi

log "browser test against $BUILD_DIR/bronpoort with $CHROMIUM"
BRONPOORT_BUILD_DIR=$BUILD_DIR BRONPOORT_CHROMIUM=$CHROMIUM \
  BRONPOORT_PORTAL_SCREENSHOTS=${BRONPOORT_PORTAL_SCREENSHOTS:-$WORK/screenshots} \
  TMPDIR=${TMPDIR:-/tmp} node tests/portal.test.mjs
