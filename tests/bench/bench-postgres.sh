# Sourced by the database benchmarks (db-bench.sh, restore-bench.sh): a PostgreSQL 15 server of the
# run's own in a new folder under /tmp, as the postgres user (it refuses root), with data checksums,
# a private socket and port, and WAL archiving by cp.
#
# bench_postgres NAME [CONFIG_LINE...]: sets BIN, WORK, PORT, SOCK, DATA, ARCHIVE, CONN, starts the
# server with the extra configuration lines, and defines as_pg. The caller removes WORK.
bench_postgres() {
    local name=$1; shift
    BIN=/usr/lib/postgresql/15/bin
    WORK=$(mktemp -d "/tmp/bkc-$name.XXXXXX")
    chmod 755 "$WORK"
    PORT=$((30000 + $$ % 20000))
    SOCK="$WORK/sock"
    DATA="$WORK/data"
    ARCHIVE="$WORK/archive"
    CONN="Host=$SOCK;Port=$PORT;Username=postgres;Database=postgres"
    mkdir -p "$SOCK" "$ARCHIVE"
    chown postgres:postgres "$WORK" "$SOCK" "$ARCHIVE"
    as_pg "$BIN/initdb" -D "$DATA" --data-checksums -A trust -U postgres -E UTF8 --locale=C >/dev/null
    {
        printf "port = %s\nlisten_addresses = ''\nunix_socket_directories = '%s'\n" "$PORT" "$SOCK"
        printf "archive_mode = on\narchive_command = 'test ! -f %s/%%f && cp %%p %s/%%f'\n" "$ARCHIVE" "$ARCHIVE"
        printf '%s\n' "$@"
    } >> "$DATA/postgresql.conf"
    as_pg "$BIN/pg_ctl" start -D "$DATA" -w -l "$WORK/server.log" >/dev/null
}

as_pg() { runuser -u postgres -- "$@"; }
