#!/bin/bash
# One-shot job of docker/compose.yaml: loads the DEMO ONLY debt-assistance registry into the
# compose PostgreSQL with scripts/load-demo-pg.sh (idempotent: a rerun reloads the same
# deterministic cases). The superuser password comes from PGPASSWORD (libpq reads it), the
# read-only role's from BRONPOORT_DEBT_READER_PASSWORD. The loader's last line is the reader's
# DSN with its password: it is kept out of the container log.
set -euo pipefail
HOST=${BRONPOORT_PG_HOST:-postgres}
PORT=${BRONPOORT_PG_PORT:-5432}
CASES=${BRONPOORT_DEMO_CASES:-5000}
: "${PGPASSWORD:?set PGPASSWORD (the PostgreSQL superuser password)}"
: "${BRONPOORT_DEBT_READER_PASSWORD:?set BRONPOORT_DEBT_READER_PASSWORD}"
/opt/bronpoort/scripts/load-demo-pg.sh "host=$HOST port=$PORT user=postgres dbname=postgres" \
  "$CASES" >/dev/null
echo "init-demo-db: loaded $CASES demo debt-assistance cases into $HOST:$PORT/debt_assistance"
