#!/usr/bin/env bash
# Installs the system programs the mesh and the tests run for real, when they are missing:
#   nats-server  (Debian package nats-server)  for `make dev` and `make test`
#   PostgreSQL   (Debian package postgresql)   for `make test` only; `make dev` uses SQLite
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
# Another PostgreSQL named by TEST_POSTGRES_URL is the caller's to run.
[ -n "${TEST_POSTGRES_URL:-}" ] && exit 0

pg_up() { command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; }
pg_up && exit 0

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt_install postgresql
fi
if command -v pg_ctlcluster >/dev/null 2>&1; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  pg_lsclusters -h 2>/dev/null | grep -q "^$version main" || pg_createcluster "$version" main >/dev/null
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
fi
for _ in $(seq 1 30); do pg_up && break; sleep 1; done
pg_up || { echo "PostgreSQL does not answer on 127.0.0.1:5432; start it or set TEST_POSTGRES_URL" >&2; exit 1; }
# Tests connect as postgres over TCP; a fresh Debian cluster asks for a password there.
if ! psql -h 127.0.0.1 -U postgres -c 'select 1' >/dev/null 2>&1; then
  hba=$(ls /etc/postgresql/*/main/pg_hba.conf | tail -n 1)
  sed -i -E 's/^(host\s+all\s+all\s+127\.0\.0\.1\/32\s+)\S+/\1trust/' "$hba"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /usr/lib/postgresql | sort -V | tail -n 1)" main reload
fi
