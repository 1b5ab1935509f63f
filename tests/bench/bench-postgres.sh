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

# bench_pgbackrest CONF REPO_LINE...: pgBackRest's configuration for the run's server in CONF (stanza
# "bench", compress-type=zst, process-max=2, logs under WORK) with the repository lines given; defines
# pgbr (pgbackrest as postgres with that configuration) and creates the stanza. Run after the server has
# archived through `pgbackrest archive-push` and the repository folders exist.
bench_pgbackrest() {
    local conf=$1; shift
    mkdir -p "$WORK/pgbackrest-log"
    chown postgres:postgres "$WORK/pgbackrest-log"
    {
        echo "[global]"
        printf '%s\n' "$@"
        printf 'compress-type=zst\nprocess-max=2\nstart-fast=y\nlog-path=%s\nlog-level-console=warn\n' "$WORK/pgbackrest-log"
        printf '[bench]\npg1-path=%s\npg1-socket-path=%s\npg1-port=%s\n' "$DATA" "$SOCK" "$PORT"
    } > "$conf"
    chmod 644 "$conf"
    PGBR_CONF=$conf
    pgbr stanza-create >/dev/null
}

pgbr() { as_pg pgbackrest --config="$PGBR_CONF" --stanza=bench "$@"; }

# bench_page_cache: sets DROPS to yes when the kernel lets this run drop the page cache (as root, outside
# a container that forbids it), and defines drop_caches, which does so before a step when it can.
bench_page_cache() {
    DROPS=no
    if sync && echo 3 > /proc/sys/vm/drop_caches 2>/dev/null; then DROPS=yes; fi
}

drop_caches() { [ "$DROPS" = no ] || { sync; echo 3 > /proc/sys/vm/drop_caches; }; }
