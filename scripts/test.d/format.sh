#!/usr/bin/env bash
# Every C++ file must be as clang-format (.clang-format at the root) writes it. Lists the files
# that are not and fails; `clang-format -i FILE` fixes one.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
log() { printf '\033[1;34m[format]\033[0m %s\n' "$*" >&2; }
cd "$ROOT"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
else
  mapfile -t files < <(find src include tests -name '*.cpp' -o -name '*.hpp')
fi
bad=()
for f in "${files[@]}"; do
  clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
  log "not clang-format clean (${#bad[@]} of ${#files[@]} files):"
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
log "OK: ${#files[@]} files clang-format clean"
