#!/usr/bin/env bash
# Creates the demo debt-assistance registry (DEMO ONLY, synthetic data) in a PostgreSQL cluster:
#   scripts/load-demo-pg.sh DSN [CASES]
# DSN is a superuser connection string (e.g. the one scripts/pg-cluster.sh prints). Creates the
# database debt_assistance, the table debt.cases with deterministic cases whose BSNs belong to
# persons of bronpoort-demo-source (same default seed and size), and the read-only role
# debt_reader. Prints the DSN the gateway uses, for BRONPOORT_DEBT_PG_DSN. Idempotent.
# BRONPOORT_DEMO_PERSONS: the size of the demo persons registry the BSNs come from, when the
# demo source runs with --persons N (tests).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DSN=${1:?usage: load-demo-pg.sh DSN [CASES]}
CASES=${2:-5000}
DEMO=${BRONPOORT_DEMO_SOURCE:-${BRONPOORT_BUILD_DIR:-$ROOT/build}/bronpoort-demo-source}
DB=${BRONPOORT_DEBT_DB:-debt_assistance}
# The demo role's password is demo-only; in production the DSN's password comes from a secret.
READER_PASSWORD=${BRONPOORT_DEBT_READER_PASSWORD:-demo-only-reader}

[ -x "$DEMO" ] || { echo "load-demo-pg.sh: build bronpoort-demo-source first ($DEMO)" >&2; exit 1; }
psql_admin() { psql "$DSN" -v ON_ERROR_STOP=1 -q "$@"; }
dsn_for_db() { echo "$(echo "$DSN" | sed -E 's/dbname=[^ ]*//') dbname=$1"; }

if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != "1" ]; then
  psql_admin -c "CREATE DATABASE \"$DB\""
fi
# The role is the cluster's, shared by every registry database: tests load several at once, so
# its creation and settings are serialised (concurrent ALTER ROLE fails "tuple concurrently updated").
psql_admin >/dev/null <<SQL
BEGIN;
SELECT pg_advisory_xact_lock(20261123);
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'debt_reader') THEN
    CREATE ROLE debt_reader LOGIN PASSWORD '$READER_PASSWORD';
  END IF;
END \$\$;
ALTER ROLE debt_reader SET default_transaction_read_only = on;
COMMIT;
SQL

DB_DSN=$(dsn_for_db "$DB")
{
  echo "BEGIN;"
  echo "CREATE SCHEMA IF NOT EXISTS debt;"
  echo "DROP TABLE IF EXISTS debt.cases;"
  echo "CREATE TABLE debt.cases (case_id text PRIMARY KEY, bsn char(9) NOT NULL,"
  echo "  municipality text NOT NULL, opened_date date NOT NULL,"
  echo "  status text NOT NULL CHECK (status IN ('open', 'in-progress', 'closed')),"
  echo "  debt_amount numeric(12, 2) NOT NULL CHECK (debt_amount >= 0));"
  "$DEMO" --debt-cases-sql "$CASES" ${BRONPOORT_DEMO_PERSONS:+--persons "$BRONPOORT_DEMO_PERSONS"}
  echo "CREATE INDEX cases_bsn ON debt.cases (bsn);"
  echo "CREATE INDEX cases_opened ON debt.cases (opened_date);"
  # Read-only: the gateway's role can select and nothing else.
  echo "REVOKE ALL ON SCHEMA debt FROM PUBLIC;"
  echo "GRANT CONNECT ON DATABASE \"$DB\" TO debt_reader;"
  echo "GRANT USAGE ON SCHEMA debt TO debt_reader;"
  echo "GRANT SELECT ON debt.cases TO debt_reader;"
  echo "COMMIT;"
} | psql "$DB_DSN" -v ON_ERROR_STOP=1 -q

host=$(echo "$DSN" | sed -nE 's/.*host=([^ ]*).*/\1/p')
port=$(echo "$DSN" | sed -nE 's/.*port=([^ ]*).*/\1/p')
echo "host=${host:-127.0.0.1} port=${port:-5432} dbname=$DB user=debt_reader password=$READER_PASSWORD"
