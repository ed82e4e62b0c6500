# Sourced by .ci/run: a throwaway PostgreSQL cluster on loopback for the `postgres` tests.
#
# Installs Debian's postgresql package when initdb/pg_ctl are missing (.ci/system-packages.sh),
# runs the cluster as the unprivileged `postgres` user (initdb refuses root) in a temporary
# directory, creates the role `arbench` (CREATEDB, CREATEROLE: the team-role tests make collector logins) with a random password and the database `arbench_test`,
# and exports two URLs:
#   ARBENCH_TEST_PG_URL        the owner role `arbench` (CREATEDB, CREATEROLE): what the tests use
#   ARBENCH_TEST_PG_ADMIN_URL  the cluster's superuser `postgres`, with its own random password:
#                              tests/integration/conftest.py drops test databases with it
#                              (DROP DATABASE ... WITH (FORCE) may end anyone's backend)
# Passwords go to psql through stdin, never on a command line. The cluster is stopped and its
# files deleted when the shell exits. On failure it prints why and leaves the URLs unset: the
# tests then skip (or, with CI=true, fail).

_pg_log() { echo "postgres.sh: $*" >&2; }

_pg_find_bin() {
  local dir
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return 0
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

_pg_install() {
  if ! declare -F ensure_packages >/dev/null; then
    source "$(dirname "${BASH_SOURCE[0]}")/system-packages.sh"
  fi
  _pg_log "PostgreSQL is not installed: installing Debian's postgresql package"
  ensure_packages postgresql
}

_pg_as_user() {
  # Run a command as the cluster's owner: ourselves when unprivileged, else `postgres`.
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

_pg_port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

_pg_listen() {
  # Start the server on the first free port of 55432-55439 and print that port. Another run of
  # .ci/run may take a port between the check and the start: the next one is tried then.
  local bin=$1 dir=$2 port
  for port in 55432 55433 55434 55435 55436 55437 55438 55439; do
    _pg_port_free "$port" || continue
    if _pg_as_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

_pg_stop() {
  if [ -n "${ARBENCH_PG_DIR:-}" ] && [ -d "$ARBENCH_PG_DIR" ]; then
    _pg_as_user "$ARBENCH_PG_BIN/pg_ctl" -D "$ARBENCH_PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$ARBENCH_PG_DIR"
  fi
}

pg_start() {
  local bin port pw admin_pw dir
  bin=$(_pg_find_bin) || { _pg_install && bin=$(_pg_find_bin); } || {
    _pg_log "no PostgreSQL server binaries found"
    return 1
  }
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin postgres || return 1
  fi
  pw=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')
  admin_pw=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')
  dir=$(mktemp -d /tmp/arbench-pg.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  export ARBENCH_PG_BIN=$bin ARBENCH_PG_DIR=$dir
  trap _pg_stop EXIT
  _pg_as_user "$bin/initdb" -D "$dir/data" -U postgres -A trust --auth-host=scram-sha-256 \
    -E UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1 || {
    _pg_log "initdb failed:"; cat "$dir/initdb.log" >&2; return 1
  }
  port=$(_pg_listen "$bin" "$dir") || {
    _pg_log "the server did not start on any free port of 55432-55439:"
    tail -20 "$dir/server.log" >&2 2>/dev/null
    return 1
  }
  local psql="$bin/psql"
  [ -x "$psql" ] || psql=psql
  # The password goes through stdin, never through a command line.
  printf "ALTER ROLE postgres PASSWORD '%s';\nCREATE ROLE arbench LOGIN CREATEDB CREATEROLE PASSWORD '%s';\nCREATE DATABASE arbench_test OWNER arbench;\n" \
    "$admin_pw" "$pw" |
    _pg_as_user "$psql" -X -q -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
      >/dev/null || { _pg_log "creating the role and database failed"; return 1; }
  export ARBENCH_TEST_PG_URL="postgresql://arbench:$pw@127.0.0.1:$port/arbench_test"
  export ARBENCH_TEST_PG_ADMIN_URL="postgresql://postgres:$admin_pw@127.0.0.1:$port/postgres"
  _pg_log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir)"
}
