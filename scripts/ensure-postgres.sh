#!/usr/bin/env bash
# Start the local PostgreSQL when it is not running, and make sure the test database exists.
set -euo pipefail
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "starting local PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if ! psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_database where datname='caja_test'" | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -c "create database caja_test" >/dev/null
fi
