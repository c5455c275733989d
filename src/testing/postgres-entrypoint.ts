/**
 * @internal The postgres image's entrypoint (POSIX sh). As root it makes the socket and data
 * directories and runs itself again as `postgres`; then an empty data dir gets `initdb` with the
 * password and a database made in single-user mode, so no temporary server starts and "database
 * system is ready to accept connections" is printed once, by the server that stays. That server
 * runs in the foreground as PID 1: SIGINT is its fast shutdown. Arguments go to `postgres`.
 */
export const POSTGRES_ENTRYPOINT = `#!/bin/sh
set -eu
: "\${PGDATA:=/var/lib/postgresql/data}"
: "\${POSTGRES_USER:=postgres}"
: "\${POSTGRES_PASSWORD:=postgres}"
: "\${POSTGRES_DB:=$POSTGRES_USER}"
PATH="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1):$PATH"
if [ "$(id -u)" = 0 ]; then
  install -d -o postgres -g postgres -m 2775 /run/postgresql
  install -d -o postgres -g postgres -m 0700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile="$(mktemp)"
  printf '%s\\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb -D "$PGDATA" --username="$POSTGRES_USER" --pwfile="$pwfile" \\
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8
  rm -f "$pwfile"
  printf 'host all all 0.0.0.0/0 scram-sha-256\\nhost all all ::/0 scram-sha-256\\n' >> "$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    printf 'CREATE DATABASE "%s"\\n' "$(printf '%s' "$POSTGRES_DB" | sed 's/"/""/g')" |
      postgres --single -D "$PGDATA" postgres > /dev/null
  fi
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
`;
