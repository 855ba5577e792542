#!/usr/bin/env bash
# Runs the whole suite on SQLite, then again on PostgreSQL when a server
# answers at 127.0.0.1:5432 (a throwaway test database is created and
# dropped), with Redis as cache when one answers at 127.0.0.1:6379.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
REDIS_HOST=${REDIS_HOST:-127.0.0.1}
REDIS_PORT=${REDIS_PORT:-6379}

answers() { "$BIN/python" - "$1" "$2" <<'PY'
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1).close()
except OSError:
    sys.exit(1)
PY
}

echo "== Test run 1/2: SQLite, local-memory cache"
env -u DATABASE_URL -u REDIS_URL "$BIN/pytest" "$@"
sqlite_status=$?

if answers "$PG_HOST" "$PG_PORT"; then
  redis_env=()
  if answers "$REDIS_HOST" "$REDIS_PORT"; then
    redis_env=(REDIS_URL="redis://$REDIS_HOST:$REDIS_PORT/15" CACHE_KEY_PREFIX="cobrand-test-$$")
    echo "== Test run 2/2: PostgreSQL at $PG_HOST:$PG_PORT, Redis at $REDIS_HOST:$REDIS_PORT"
  else
    echo "== Test run 2/2: PostgreSQL at $PG_HOST:$PG_PORT (no Redis answers at $REDIS_HOST:$REDIS_PORT: local-memory cache)"
  fi
  env DATABASE_URL="postgres://${PG_USER:-postgres}@$PG_HOST:$PG_PORT/cobrand" ${redis_env[@]+"${redis_env[@]}"} \
    "$BIN/pytest" "$@"
  pg_status=$?
else
  echo "== SKIPPED test run 2/2: no PostgreSQL answers at $PG_HOST:$PG_PORT; only SQLite was tested."
  pg_status=0
fi

if [ "$sqlite_status" -ne 0 ] || [ "$pg_status" -ne 0 ]; then
  echo "FAILED: SQLite run exit $sqlite_status, PostgreSQL run exit $pg_status"
  exit 1
fi
