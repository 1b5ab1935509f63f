#!/usr/bin/env bash
# Hot backup of a pgbench database: BackupCmdlets Start-HotBackup (plain, and gzip tar) against
# pg_basebackup -Fp and -Ft -z, measured in one run on one server: wall time, MB/s of the data
# directory, and pgbench TPS during each backup against TPS with no backup. Medians of RUNS runs.
#
#   SCALE=100 RUNS=3 CLIENTS=4 IDLE_SECONDS=15 tests/bench/db-bench.sh   (the defaults; as root,
#                                                                        PostgreSQL 15 binaries needed)
#   METHODS="none ours-plain basebackup-Fp" OURS_ARGS="--throttle-limit 1" ... measures a subset, or
#   other options of ours.
#
# The data is pgbench's own (pgbench -i -s SCALE), in a server started for the run and removed after it.
set -euo pipefail
. "$(dirname "$0")/bench-common.sh"
SCALE=${SCALE:-100}
RUNS=${RUNS:-3}
CLIENTS=${CLIENTS:-4}
IDLE_SECONDS=${IDLE_SECONDS:-15}
METHODS=${METHODS:-none ours-plain basebackup-Fp ours-tar-gz basebackup-Ft-z}
OURS_ARGS=${OURS_ARGS:-}          # extra Start-HotBackup options, e.g. "--throttle-limit 1"
bench_start db "Hot backup against pg_basebackup" "SCALE RUNS CLIENTS IDLE_SECONDS METHODS OURS_ARGS" "$@"
cd "$BENCH_REPO"
. "$BENCH_REPO/tests/bench/bench-postgres.sh"
cleanup() {
    [ -n "${WORK:-}" ] || return 0
    [ -n "${PGBENCH_PID:-}" ] && kill "$PGBENCH_PID" 2>/dev/null || true
    if [ -f "$DATA/postmaster.pid" ]; then kill -INT "$(head -1 "$DATA/postmaster.pid")" 2>/dev/null || true; sleep 3; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
bench_postgres db-bench "shared_buffers = 256MB" "max_wal_size = 4GB"
bench_cli "$WORK/cli"
mkdir -p "$WORK/out"
chown postgres:postgres "$WORK/out"
PSQL=("$BIN/psql" -h "$SOCK" -p "$PORT" -U postgres -d postgres -Atq)
echo "pgbench -i -s $SCALE ..." >&2
"$BIN/pgbench" -h "$SOCK" -p "$PORT" -U postgres -i -s "$SCALE" -q postgres >/dev/null 2>&1
"${PSQL[@]}" -c "CHECKPOINT"
DB_BYTES=$(du -sb --exclude=pg_wal "$DATA" | cut -f1)
echo "data directory without pg_wal: $((DB_BYTES / 1048576)) MiB" >&2

# pgbench in the background with one progress line per second (epoch timestamps);
# TPS of a window = mean of the lines inside it.
start_load() {
    "$BIN/pgbench" -h "$SOCK" -p "$PORT" -U postgres -c "$CLIENTS" -j 2 -T 3600 -P 1 --progress-timestamp postgres >/dev/null 2>"$WORK/load.log" &
    PGBENCH_PID=$!
    sleep 5
}
stop_load() { kill "$PGBENCH_PID" 2>/dev/null || true; wait "$PGBENCH_PID" 2>/dev/null || true; PGBENCH_PID=; }
tps_between() {
    awk -v a="$1" -v b="$2" '$1 == "progress:" && $2 + 0 >= a && $2 + 0 <= b { s += $4; n++ } END { if (n) printf "%.1f", s / n; else print "nan" }' "$WORK/load.log"
}

run_method() {
    local out="$WORK/out/run"
    rm -rf "$out"; mkdir -p "$out"; chown postgres:postgres "$out"
    case "$1" in
        none) sleep "$IDLE_SECONDS" ;;
        ours-plain) "$CLI" Start-HotBackup --engine PostgreSql --connection-string "$CONN" --destination-path "$out" $OURS_ARGS --json >/dev/null ;;
        ours-tar-gz) "$CLI" Start-HotBackup --engine PostgreSql --connection-string "$CONN" --destination-path "$out" --compression GZip $OURS_ARGS --json >/dev/null ;;
        basebackup-Fp) "$BIN/pg_basebackup" -h "$SOCK" -p "$PORT" -U postgres -D "$out/b" -Fp -X stream -c fast ;;
        basebackup-Ft-z) "$BIN/pg_basebackup" -h "$SOCK" -p "$PORT" -U postgres -D "$out/b" -Ft -z -X stream -c fast ;;
    esac
}

read -r -a METHOD_LIST <<< "$METHODS"
RESULTS="$WORK/results.tsv"
: > "$RESULTS"
for run in $(seq 1 "$RUNS"); do
    # Every other run takes the methods in reverse order, so none always follows the same one.
    order=("${METHOD_LIST[@]}")
    if (( run % 2 == 0 )); then
        order=()
        for ((i = ${#METHOD_LIST[@]} - 1; i >= 0; i--)); do order+=("${METHOD_LIST[i]}"); done
    fi
    for method in "${order[@]}"; do
        start_load
        t0=$(date +%s.%N)
        run_method "$method"
        t1=$(date +%s.%N)
        sleep 1
        stop_load
        size=$(du -sb "$WORK/out/run" | cut -f1)
        printf '%s\t%s\t%s\t%s\t%s\n' "$run" "$method" "$(echo "$t1 - $t0" | bc)" "$(tps_between "$t0" "$t1")" "$size" | tee -a "$RESULTS" >&2
        mv "$WORK/out/run" "$WORK/out/run-$run-$method"   # deleted at the end (tests/bench/retire.sh says why)
        # Keep the archive from filling the disk between runs (every run's WAL is already in its set or discarded).
        find "$ARCHIVE" -type f -delete
    done
done

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f\n", m }'; }
idle_tps=$(awk -F'\t' '$2 == "none" { print $4 }' "$RESULTS" | median)
{
echo "pgbench scale $SCALE ($((DB_BYTES / 1048576)) MiB data directory), $CLIENTS clients, $RUNS runs, medians"
echo
echo "| method | time (s) | MB/s | output (MiB) | TPS during | TPS vs no backup |"
echo "|---|---:|---:|---:|---:|---:|"
for method in "${METHOD_LIST[@]}"; do
    t=$(awk -F'\t' -v m="$method" '$2 == m { print $3 }' "$RESULTS" | median)
    tps=$(awk -F'\t' -v m="$method" '$2 == m { print $4 }' "$RESULTS" | median)
    out=$(awk -F'\t' -v m="$method" '$2 == m { print $5 }' "$RESULTS" | median)
    if [ "$method" = none ]; then
        printf '| no backup (pgbench alone, %ss) | | | | %s | 100%% |\n' "$IDLE_SECONDS" "$tps"
    else
        printf '| %s | %.1f | %.0f | %.0f | %s | %.0f%% |\n' "$method" "$t" "$(echo "$DB_BYTES / 1048576 / $t" | bc -l)" "$(echo "$out / 1048576" | bc -l)" "$tps" "$(echo "100 * $tps / $idle_tps" | bc -l)"
    fi
done
echo
echo "Raw runs (run, method, seconds, TPS during, output bytes):"
echo
echo '```'
cat "$RESULTS"
echo '```'
} | bench_report
