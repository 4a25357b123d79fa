#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests: Debian's postgresql package (installed when missing), a fresh
# cluster in a temp dir listening on 127.0.0.1 only, a role that may create databases (each test gets its
# own) and the database jixiao_test. Prints the SQLAlchemy URL on stdout, everything else on stderr:
#
#   export JIXIAO_TEST_PG_URL=$(bash scripts/pg-test.sh)      # start
#   bash scripts/pg-test.sh stop                              # stop and remove the cluster
#
# JIXIAO_PG_DIR (default /tmp/jixiao-pg) holds the cluster; JIXIAO_PG_PORT picks the port (default: free).
# Needs root (or sudo) for apt-get and to run the server as the postgres user.
set -euo pipefail
PGDIR=${JIXIAO_PG_DIR:-/tmp/jixiao-pg}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

pg_bin() {
  local v
  v=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1)
  [ -n "$v" ] && echo "/usr/lib/postgresql/$v/bin"
}

if [ "${1:-}" = "stop" ]; then
  BIN=$(pg_bin) || exit 0
  [ -f "$PGDIR/data/postmaster.pid" ] && as_postgres "$BIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >&2 || true
  rm -rf "$PGDIR"
  exit 0
fi

if [ -z "$(pg_bin)" ]; then
  # apt may be held by another install on this machine: wait for the lock and retry
  for attempt in $(seq 1 40); do
    if $SUDO apt-get update -q >/tmp/jixiao-pg-apt.log 2>&1 \
      && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q postgresql >>/tmp/jixiao-pg-apt.log 2>&1; then
      break
    fi
    [ "$attempt" -eq 40 ] && { echo "安装 PostgreSQL 失败（见 /tmp/jixiao-pg-apt.log）" >&2; tail -20 /tmp/jixiao-pg-apt.log >&2; exit 1; }
    echo "apt 正被占用或暂时失败，15 秒后重试（第 $attempt 次）" >&2
    sleep 15
  done
fi
BIN=$(pg_bin)

PORT=${JIXIAO_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
PASSWORD=jixiao_test_pw
if [ -f "$PGDIR/data/postmaster.pid" ]; then
  as_postgres "$BIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >&2 || true
fi
rm -rf "$PGDIR"
mkdir -p "$PGDIR"
chown postgres:postgres "$PGDIR"
chmod 700 "$PGDIR"
as_postgres "$BIN/initdb" -D "$PGDIR/data" -U postgres -E UTF8 --locale=C.UTF-8 \
  --auth-local=trust --auth-host=scram-sha-256 >"$PGDIR/initdb.log" 2>&1 \
  || { cat "$PGDIR/initdb.log" >&2; exit 1; }
# a test server: durability off (a crash loses only test data), enough connections for several workers
as_postgres "$BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 start \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGDIR -c max_connections=300 -c fsync=off \
      -c synchronous_commit=off -c full_page_writes=off" >&2 \
  || { tail -20 "$PGDIR/server.log" >&2; exit 1; }
as_postgres "$BIN/psql" -h "$PGDIR" -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -q \
  -c "CREATE ROLE jixiao LOGIN CREATEDB PASSWORD '$PASSWORD'" -c "GRANT pg_signal_backend TO jixiao" \
  -c "CREATE DATABASE jixiao_test OWNER jixiao" >&2
echo "postgresql+psycopg://jixiao:$PASSWORD@127.0.0.1:$PORT/jixiao_test"
