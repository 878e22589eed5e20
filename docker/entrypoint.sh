#!/bin/sh
# Entrypoint of the Bronpoort image: reads secrets that arrive as files (compose or swarm
# secrets, mounted under /run/secrets) into the environment variables the gateway and the demo
# loader read, then runs the command. For each NAME below, NAME_FILE=/path sets NAME to the
# file's content (without a trailing newline); a NAME set directly in the environment is kept
# when no NAME_FILE is given.
set -eu
for name in BRONPOORT_PSEUDONYM_KEY BRONPOORT_LINKAGE_PSEUDONYM_KEY PGPASSWORD \
  BRONPOORT_DEBT_READER_PASSWORD; do
  eval "file=\${${name}_FILE:-}"
  [ -n "$file" ] || continue
  if [ ! -r "$file" ]; then
    echo "entrypoint: ${name}_FILE=$file is not a readable file" >&2
    exit 1
  fi
  value=$(cat "$file")
  export "$name=$value"
  unset "${name}_FILE"
done
exec "$@"
