#!/bin/bash
# Initialises the cluster in $PGDATA on first start (superuser postgres with the password from
# POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE; password authentication for every TCP client,
# peer authentication on the local socket), then runs PostgreSQL in the foreground so that it
# receives the container's SIGTERM (a fast, clean shutdown) directly.
set -euo pipefail
: "${PGDATA:?PGDATA is not set}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  password=${POSTGRES_PASSWORD:-}
  if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then password=$(cat "$POSTGRES_PASSWORD_FILE"); fi
  if [ -z "$password" ]; then
    echo "postgres: set POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE for the first start" >&2
    exit 1
  fi
  pwfile=$(mktemp)
  trap 'rm -f "$pwfile"' EXIT
  printf '%s\n' "$password" >"$pwfile"
  initdb -D "$PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=peer --auth-host=scram-sha-256 --pwfile="$pwfile" >/dev/null
  rm -f "$pwfile"
  {
    echo "# Added by bronpoort-postgres: the compose network reaches PostgreSQL over TCP."
    echo "host all all 0.0.0.0/0 scram-sha-256"
    echo "host all all ::/0 scram-sha-256"
  } >>"$PGDATA/pg_hba.conf"
  echo "postgres: initialised a new cluster in $PGDATA"
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/run/postgresql "$@"
