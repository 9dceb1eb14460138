# Shared by scripts/: installs what is missing (Debian packages, the Python test virtualenv) and starts a
# throwaway PostgreSQL. Sourced, not run.

step() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

_apt_updated=""
# ensure_packages PKG…: installs the Debian packages that are not installed yet.
ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  step "Installing ${missing[*]}"
  if [ -z "$_apt_updated" ]; then as_root apt-get update -qq; _apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# ensure_venv: the Python test tools, in .venv inside the repo (ignored by git).
ensure_venv() {
  local stamp=.venv/.requirements-installed
  command -v python3 >/dev/null || ensure_packages python3 python3-venv python3-pip
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv 2>/dev/null || { ensure_packages python3-venv; rm -rf .venv; python3 -m venv .venv; }
  fi
  if [ ! -f "$stamp" ] || ! cat tests/requirements*.txt | cmp -s - "$stamp"; then
    step "Installing Python test packages"
    .venv/bin/python -m pip install -q --disable-pip-version-check -r tests/requirements.txt
    # Only for the axe-core script it carries (axe 4.x); its Playwright dependency is not needed.
    .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -r tests/requirements-nodeps.txt
    cat tests/requirements*.txt > "$stamp"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start_postgres: a throwaway server on a loopback port; sets PG_URL (superuser "layan", no password). Tests run it
# without fsync (fast, and a lost test database costs nothing); `start_postgres durable` keeps PostgreSQL's own
# durable defaults, as a production server runs — every benchmark uses that (issue #21).
# stop_postgres stops it and removes its files.
PG_DIR=""
start_postgres() {
  local bindir
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$bindir" ]; then ensure_packages postgresql; bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1); fi
  PG_DIR=$(mktemp -d /tmp/layan-pg.XXXXXX)
  local port run=() fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${1:-}" = durable ] && fast=""
  port=$(free_port)
  # PostgreSQL refuses to run as root: run it as the postgres system user then.
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; run=(runuser -u postgres --); fi
  "${run[@]}" "$bindir/initdb" -D "$PG_DIR/data" -U layan --auth=trust -E UTF8 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log"; return 1; }
  "${run[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 $fast -c max_connections=1000" \
    start >/dev/null || { cat "$PG_DIR/server.log"; return 1; }
  PG_BINDIR=$bindir
  PG_URL="postgres://layan@127.0.0.1:$port/postgres"
  echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (${1:-fast, no fsync})"
}

# The command that restarts that server (fast shutdown, the same options), for the outage test.
pg_restart_command() {
  local run=""
  [ "$(id -u)" = 0 ] && run="runuser -u postgres -- "
  echo "${run}$PG_BINDIR/pg_ctl -D $PG_DIR/data -l $PG_DIR/server.log -m fast -w -t 60 restart"
}

stop_postgres() {
  [ -n "$PG_DIR" ] || return 0
  local run=()
  [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
  "${run[@]}" "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=""
}
