#!/usr/bin/env bash
# Restore of a pgbench database: Restore-BackupSet into an empty folder against Restore-BackupSet
# -Delta over an identical stopped copy and over a copy that ran pgbench for a while, with `cp -a` of
# the set's data folder followed by `sync` as the reference for a full copy. Medians of RUNS runs.
#
#   SCALE=50 RUNS=3 CLIENTS=4 CHURN_SECONDS=10 tests/bench/restore-bench.sh   (the defaults; as root,
#                                                                           PostgreSQL 15 binaries needed)
#
# Every restore is fsynced (ours flushes every file and folder; the reference is followed by sync).
# The page cache is warm for both sides. pgBackRest is not measured here.
set -euo pipefail
. "$(dirname "$0")/bench-common.sh"
SCALE=${SCALE:-50}
RUNS=${RUNS:-3}
CLIENTS=${CLIENTS:-4}
CHURN_SECONDS=${CHURN_SECONDS:-10}
bench_start restore "Restore and delta restore" "SCALE RUNS CLIENTS CHURN_SECONDS" "$@"
. "$BENCH_REPO/tests/bench/bench-postgres.sh"
stop_server() { as_pg "$BIN/pg_ctl" stop -D "$1" -m fast -w >/dev/null; }
cleanup() {
    [ -n "${WORK:-}" ] || return 0
    for d in "$DATA" "$WORK/copy"; do
        [ -f "$d/postmaster.pid" ] && as_pg "$BIN/pg_ctl" stop -D "$d" -m immediate -w >/dev/null 2>&1 || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
bench_postgres restore-bench
bench_cli "$WORK/cli"
mkdir -p "$WORK/repo"
chown postgres:postgres "$WORK/repo"
"$BIN/pgbench" -h "$SOCK" -p "$PORT" -U postgres -i -s "$SCALE" -q postgres >/dev/null 2>&1
"$CLI" Start-HotBackup --engine PostgreSql --connection-string "$CONN" --destination-path "$WORK/repo" --json >/dev/null
stop_server "$DATA"
SET=$(ls -d "$WORK"/repo/*-postgresql-hot-*)
SET_BYTES=$(du -sb "$SET/data" | cut -f1)
RESULTS=$(mktemp)
COPY="$WORK/copy"

restore() { "$CLI" Restore-BackupSet --path "$SET" --destination-path "$COPY" "$@"; }

for run in $(seq 1 "$RUNS"); do
    rm -rf "$COPY" "$WORK/cp"
    time_cmd "cp-a-sync" data "$run" sh -c "cp -a '$SET/data' '$WORK/cp' && sync"
    rm -rf "$WORK/cp"
    time_cmd "full" data "$run" restore
    time_cmd "delta-identical" data "$run" restore --delta
    # The copy goes on as a server for a while, as a stand-in would, then is brought back to the set.
    printf "port = %s\nunix_socket_directories = '%s'\n" "$((PORT + 1))" "$SOCK" >> "$COPY/postgresql.conf"
    chown -R postgres:postgres "$COPY"
    as_pg "$BIN/pg_ctl" start -D "$COPY" -w -t 600 -l "$WORK/copy.log" >/dev/null
    until [ "$("$BIN/psql" -h "$SOCK" -p "$((PORT + 1))" -U postgres -Atc 'SELECT pg_is_in_recovery()')" = f ]; do sleep 0.5; done
    "$BIN/pgbench" -h "$SOCK" -p "$((PORT + 1))" -U postgres -c "$CLIENTS" -j 2 -T "$CHURN_SECONDS" postgres >/dev/null 2>&1
    stop_server "$COPY"
    time_cmd "delta-after-pgbench" data "$run" restore --delta
done

python3 - "$RESULTS" "$RUNS" "$SCALE" "$SET_BYTES" "$CHURN_SECONDS" <<'PY' | bench_report
import statistics, sys, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, _, run, value = line.split()
    rows[label].append(int(value) / 1000)
med = lambda label: statistics.median(rows[label])
mb = int(sys.argv[4]) / 1e6
print(f"pgbench scale {sys.argv[3]}, the set's data folder {mb:.0f} MB (plain set); runs: {sys.argv[2]}; medians; every restore fsynced")
print()
print("| operation | seconds | MB/s |")
print("|---|---:|---:|")
for label, name in [("cp-a-sync", "`cp -a` of the set's data folder, then `sync` (reference)"), ("full", "Restore-BackupSet into an empty folder"),
                    ("delta-identical", "Restore-BackupSet -Delta over an identical copy"),
                    ("delta-after-pgbench", f"Restore-BackupSet -Delta over a copy that ran pgbench for {sys.argv[5]} s")]:
    print(f"| {name} | {med(label):.2f} | {mb / med(label):.0f} |")
PY
rm -f "$RESULTS"
