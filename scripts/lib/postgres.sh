# shellcheck shell=bash
# Sourced by scripts/test and scripts/bench: start_postgres starts a
# throwaway PostgreSQL — Debian's postgresql package (installed with apt-get
# when missing), initdb into a temp dir as the postgres user, a free
# loopback port — exports CMTFTP_TEST_POSTGRES (its DSN) and
# CMTFTP_TEST_PGBIN (PostgreSQL's bin directory, for tests that run psql
# or start a PostgreSQL of their own), and stops and removes it at exit.
start_postgres() {
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [[ -z $pgbin || ! -x $pgbin/initdb ]]; then
    if [[ $(id -u) -ne 0 ]]; then
      echo "postgres: PostgreSQL is missing and installing it needs root (apt-get install postgresql)" >&2
      exit 1
    fi
    echo "postgres: installing postgresql"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  pgdir=$(mktemp -d /tmp/cmtftp-pg.XXXXXX)
  as_pg=()
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$pgdir"
    as_pg=(runuser -u postgres --)
  fi
  # A free loopback port: nothing answers a connection to it.
  for _ in $(seq 50); do
    pgport=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$pgport") 2>/dev/null || break
  done
  stop_pg() {
    "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pgdir"
  }
  trap stop_pg EXIT
  "${as_pg[@]}" "$pgbin/initdb" -D "$pgdir/data" -U postgres -A trust -E UTF8 --no-sync >"$pgdir/initdb.log" 2>&1 ||
    { cat "$pgdir/initdb.log" >&2; exit 1; }
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 \
    -o "-p $pgport -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$pgdir/server.log" >&2; exit 1; }
  export CMTFTP_TEST_POSTGRES="postgres://postgres@127.0.0.1:$pgport/postgres?sslmode=disable"
  export CMTFTP_TEST_PGBIN="$pgbin"
  echo "== PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pgport"
}
