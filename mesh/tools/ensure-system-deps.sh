#!/usr/bin/env bash
# Installs the system programs the mesh and the tests run for real, when they are missing:
#   nats-server  (Debian package nats-server)  for `make dev` and `make test`
#   PostgreSQL   (Debian package postgresql)   for `make test` only; `make dev` uses SQLite
#   Chromium     (Debian package chromium)     for `make test` only: the sign-in page's browser test
# With MESH_DEPS=dev only nats-server is required. Set TEST_POSTGRES_URL to use another server.
set -euo pipefail

apt_install() {
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing $* from the OS packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "missing: $*. Install it (Debian/Ubuntu: sudo apt-get install $*; macOS: brew install $*) and run again." >&2
    exit 1
  fi
}

if ! command -v nats-server >/dev/null 2>&1 && [ ! -x /usr/sbin/nats-server ]; then
  apt_install nats-server
fi

[ "${MESH_DEPS:-test}" = dev ] && exit 0

if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi

# Another PostgreSQL named by TEST_POSTGRES_URL is the caller's to run.
[ -n "${TEST_POSTGRES_URL:-}" ] && exit 0

pg_up() { command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; }
# The tests log in over TCP as postgres without a password; -w: never stop at a password prompt.
pg_login() { psql -w -h 127.0.0.1 -U postgres -d postgres -c 'select 1' >/dev/null 2>&1; }
newest() { ls /usr/lib/postgresql | sort -V | tail -n 1; }

if ! pg_up; then
  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || apt_install postgresql
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    version=$(newest)
    pg_lsclusters -h 2>/dev/null | grep -q "^$version main" || pg_createcluster "$version" main >/dev/null
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  fi
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || { echo "PostgreSQL does not answer on 127.0.0.1:5432; start it or set TEST_POSTGRES_URL" >&2; exit 1; }
fi

pg_login && exit 0
hba="/etc/postgresql/$(newest)/main/pg_hba.conf"
if [ "$(id -u)" -eq 0 ] && [ -f "$hba" ]; then
  # A fresh Debian cluster asks for a password over TCP; the throwaway test databases need none.
  sed -i -E 's/^(host\s+all\s+all\s+127\.0\.0\.1\/32\s+)\S+/\1trust/' "$hba"
  pg_ctlcluster --skip-systemctl-redirect "$(newest)" main reload
  for _ in $(seq 1 10); do pg_login && exit 0; sleep 1; done
fi
cat >&2 <<'HELP'
PostgreSQL answers on 127.0.0.1:5432 but refuses the tests' login (user postgres, no password).
Either point the tests at a server and user they may use:
  export TEST_POSTGRES_URL=postgres://USER:PASSWORD@127.0.0.1:5432/postgres   (USER may create databases)
or allow local logins for the test user, e.g. in pg_hba.conf:
  host all all 127.0.0.1/32 trust        then: sudo systemctl reload postgresql
HELP
exit 1
