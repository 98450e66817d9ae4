#!/bin/sh
# Entrypoint of the locally built PostgreSQL image (scripts/build-local-images.sh): honours the
# official postgres image's variables (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB, PGDATA)
# and initialises the cluster on first start, so files written for `postgres:16` run on it.
set -eu
: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
: "${PGDATA:=/var/lib/postgresql/data}"
as_pg() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
if [ -z "${POSTGRES_PASSWORD:-}" ]; then
  echo "postgres-entrypoint: POSTGRES_PASSWORD is not set (this image never runs without one)" >&2
  exit 1
fi
mkdir -p "$PGDATA" /run/postgresql
chown postgres:postgres "$PGDATA" /run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  chown postgres "$pwfile"
  # The initialisation writes thousands of files, and PostgreSQL syncs each one (initdb at its
  # end, each single-user run's shutdown checkpoint): on a busy machine that took longer than the
  # rest of a layout's cold start. Here they are written without a sync each (initdb --no-sync,
  # fsync off in the single-user runs) and the file system is synced once at the end, before the
  # server starts: the cluster is on disk as before, and the server always runs durable.
  as_pg "$BIN/initdb" -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  rm -f "$pwfile"
  # Connections from outside the container (the published port) need the password.
  printf 'host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != "postgres" ]; then
    # Identifiers quoted for SQL: a '"' in a name is doubled.
    db=$(printf '%s' "$POSTGRES_DB" | sed 's/"/""/g')
    user=$(printf '%s' "$POSTGRES_USER" | sed 's/"/""/g')
    printf 'CREATE DATABASE "%s" OWNER "%s";\n' "$db" "$user" | as_pg "$BIN/postgres" --single -D "$PGDATA" -c listen_addresses= -c fsync=off postgres >/dev/null
  fi
  # As the official image: the *.sql files of /docker-entrypoint-initdb.d, once, on the new
  # cluster, in name order (run single-user here: one statement per line).
  for f in /docker-entrypoint-initdb.d/*.sql; do
    [ -f "$f" ] || continue
    as_pg "$BIN/postgres" --single -D "$PGDATA" -c listen_addresses= -c fsync=off postgres < "$f" >/dev/null
  done
  # One syncfs for the whole initialisation (coreutils' sync -f), instead of one fsync per file.
  sync -f "$PGDATA/PG_VERSION"
fi
# exec: PostgreSQL becomes PID 1, so `docker stop` (STOPSIGNAL SIGINT, a fast shutdown) reaches it.
exec setpriv --reuid=postgres --regid=postgres --init-groups "$BIN/postgres" -D "$PGDATA" -c listen_addresses='*' "$@"
