#!/usr/bin/env bash
# Bronpoort's one entry point for set-up:
#   ./scripts/run.sh build   install missing Debian packages, configure and build into build/
#   ./scripts/run.sh demo    build, start the demo sources and the gateway, print example requests
#   ./scripts/run.sh test    build and run every test (unit, integration, PostgreSQL, linters)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD_DIR=${BRONPOORT_BUILD_DIR:-$ROOT/build}
JOBS=${BRONPOORT_JOBS:-2}

# Debian packages the build, the tests and the demo need (bookworm names).
PACKAGES=(
  build-essential cmake ninja-build pkg-config git curl ca-certificates openssl procps
  libboost-dev libboost-system-dev libssl-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libsqlite3-dev libpqxx-dev libjemalloc-dev postgresql-15 postgresql-client-15 prometheus-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev json-schema-test-suite
  wrk nginx-light clang-format jq
  chromium  # the portal's browser test (playwright-core drives it; no browser download)
)
# Tools that may already come from outside Debian (the machine image ships its own Node.js, whose
# npm conflicts with Debian's): installed from Debian only when the command is missing.
TOOL_PACKAGES=("npm:nodejs npm")
# Only for `test`, and not required: scripts/test.d/docker-engine.sh starts a private Docker
# engine with these and skips (saying why) where they cannot be installed. No daemon is started
# by installing them (the test starts its own and stops it); a machine without systemd or with a
# policy-rc.d that denies starts keeps none running either way.
ENGINE_TEST_PACKAGES=(docker.io docker-compose debootstrap iproute2)

log() { printf '\033[1;34m[bronpoort]\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  for entry in "${TOOL_PACKAGES[@]}"; do
    if ! command -v "${entry%%:*}" >/dev/null 2>&1; then
      read -r -a tool <<<"${entry#*:}"
      missing+=("${tool[@]}")
    fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
}

# Installs ENGINE_TEST_PACKAGES that are missing; a failure is reported, not fatal. Not for a
# non-root user: the engine test skips for them anyway.
install_engine_test_packages() {
  [ "$(id -u)" -eq 0 ] || return 0
  local missing=()
  for p in "${ENGINE_TEST_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  log "installing for the Docker engine test: ${missing[*]}"
  if ! { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
    log "could not install ${missing[*]}: the Docker engine test will skip"
  fi
}

build() {
  install_packages
  local generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  # ccache, where a developer has it, lets several work trees share compiled objects.
  command -v ccache >/dev/null && generator+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$BUILD_DIR" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DBRONPOORT_WERROR=ON >/dev/null
  fi
  log "building in $BUILD_DIR with $JOBS jobs"
  cmake --build "$BUILD_DIR" -j "$JOBS"
}

case "${1:-}" in
  build)
    build
    ;;
  demo)
    build
    exec "$ROOT/scripts/demo.sh"
    ;;
  test)
    build
    install_engine_test_packages
    exec "$ROOT/scripts/test.sh"
    ;;
  *)
    echo "usage: $0 build|demo|test" >&2
    exit 2
    ;;
esac
