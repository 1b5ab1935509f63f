#!/usr/bin/env bash
# Full and incremental hot backups of a pgbench database against pgBackRest (Debian's package) on the
# same server in the same run: a full backup each, then pgbench for a while, then an incremental each.
# Medians of RUNS runs; each run takes a new full backup with each tool (ours into a new repository,
# pgBackRest's older ones expired).
#
#   SCALE=100 RUNS=3 CLIENTS=4 CHURN_SECONDS=10 TPS_SECONDS=75 tests/bench/incremental-db-bench.sh
#                                          (the defaults; as root, PostgreSQL 15 binaries and pgbackrest needed)
#
# pgBackRest runs with compress-type=zst and process-max=2 (the issue's settings), ours with -ThrottleLimit 2
# (two files at a time); our sets are plain (plain and incremental), and a chain of Plain sets with each file zstd-compressed (-Format Plain -Compression Zstd) is timed beside
# them, as are a full set as a zstd tar and a Plain Zstd full set one file at a time (the default -ThrottleLimit). "data" is a set without its WAL; pgBackRest's "copied" is the
# size of the files it copied before compression, "stored" what its repository holds for the backup.
# Then the incremental is restored by each tool into an empty folder and once more over that copy
# (-Delta, pgBackRest's --delta), both followed by sync. The page cache is dropped before each backup
# and restore when the kernel allows it (the header says whether). Last, pgbench's TPS is measured
# while each tool takes a full backup (ours as a zstd set), against the quiet stretches around them.
set -euo pipefail
. "$(dirname "$0")/bench-common.sh"
SCALE=${SCALE:-100}
RUNS=${RUNS:-3}
CLIENTS=${CLIENTS:-4}
CHURN_SECONDS=${CHURN_SECONDS:-10}
TPS_SECONDS=${TPS_SECONDS:-75}
bench_start incremental-db "Incremental hot backups against pgBackRest" "SCALE RUNS CLIENTS CHURN_SECONDS TPS_SECONDS" "$@"
command -v pgbackrest >/dev/null || { echo "pgbackrest is not installed (apt-get install pgbackrest)" >&2; exit 1; }
. "$BENCH_REPO/tests/bench/bench-postgres.sh"
cleanup() {
    [ -n "${WORK:-}" ] || return 0
    [ -f "$DATA/postmaster.pid" ] && as_pg "$BIN/pg_ctl" stop -D "$DATA" -m immediate -w >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
# Both tools need the WAL: ours reads the cp archive, pgBackRest takes it through archive-push.
PGBR_CONF=/tmp/bkc-incremental-db-pgbackrest.conf
bench_postgres incremental-db "archive_command = '(test -f /tmp/bkc-incr-archive/%f || cp %p /tmp/bkc-incr-archive/%f) && pgbackrest --config=$PGBR_CONF --stanza=bench archive-push %p'"
rm -rf /tmp/bkc-incr-archive && ln -s "$ARCHIVE" /tmp/bkc-incr-archive
bench_cli "$WORK/cli"
mkdir -p "$WORK/pgbackrest"
chown postgres:postgres "$WORK/pgbackrest"
as_pg "$BIN/pgbench" -h "$SOCK" -p "$PORT" -U postgres -i -s "$SCALE" -q postgres >/dev/null 2>&1
as_pg "$BIN/psql" -h "$SOCK" -p "$PORT" -U postgres -qc CHECKPOINT postgres
bench_pgbackrest "$PGBR_CONF" "repo1-path=$WORK/pgbackrest"
bench_page_cache
RESULTS=$(mktemp)
SIZES=$(mktemp)
ours() { "$CLI" Start-HotBackup --engine PostgreSql --connection-string "$CONN" --destination-path "$WORK/repo" --wal-archive-path "$ARCHIVE" --throttle-limit 2 --json "$@"; }
ours_pz() { "$CLI" Start-HotBackup --engine PostgreSql --connection-string "$CONN" --destination-path "$WORK/repo-pz" --wal-archive-path "$ARCHIVE" --format Plain --compression Zstd --throttle-limit 2 --json "$@"; }
set_data_bytes() { du -sb --exclude=wal "$(ls -dt "$WORK/${1:-repo}"/*-postgresql-hot-* | head -1)" | cut -f1; }
pgbr_sizes() { pgbr info --output=json | python3 -c 'import json,sys; b=json.load(sys.stdin)[0]["backup"][-1]["info"]; print(b["delta"], b["repository"]["delta"])'; }

for run in $(seq 1 "$RUNS"); do
    rm -rf "$WORK/repo"; mkdir -p "$WORK/repo"
    drop_caches; time_cmd ours-full data "$run" ours
    echo "ours-full $run $(set_data_bytes)" >> "$SIZES"
    rm -rf "$WORK/repo-zstd"; mkdir -p "$WORK/repo-zstd"
    drop_caches; time_cmd ours-zstd data "$run" "$CLI" Start-HotBackup --engine PostgreSql --connection-string "$CONN" --destination-path "$WORK/repo-zstd" --wal-archive-path "$ARCHIVE" --compression Zstd --throttle-limit 2 --json
    echo "ours-zstd $run $(du -sb --exclude=wal "$WORK/repo-zstd" | cut -f1) $(du -sb "$WORK/repo-zstd" | cut -f1)" >> "$SIZES"
    rm -rf "$WORK/repo-zstd" "$WORK/repo-pz"; mkdir -p "$WORK/repo-pz"
    drop_caches; time_cmd ours-pz-full data "$run" ours_pz
    echo "ours-pz-full $run $(set_data_bytes repo-pz)" >> "$SIZES"
    rm -rf "$WORK/repo-pz1"; mkdir -p "$WORK/repo-pz1"
    drop_caches; time_cmd ours-pz1-full data "$run" "$CLI" Start-HotBackup --engine PostgreSql --connection-string "$CONN" --destination-path "$WORK/repo-pz1" --wal-archive-path "$ARCHIVE" --format Plain --compression Zstd --json
    echo "ours-pz1-full $run $(set_data_bytes repo-pz1)" >> "$SIZES"
    rm -rf "$WORK/repo-pz1"
    drop_caches; time_cmd pgbr-full data "$run" pgbr backup --type=full
    echo "pgbr-full $run $(pgbr_sizes)" >> "$SIZES"
    as_pg "$BIN/pgbench" -h "$SOCK" -p "$PORT" -U postgres -n -c "$CLIENTS" -j 2 -T "$CHURN_SECONDS" postgres >/dev/null 2>&1
    drop_caches; time_cmd ours-incr data "$run" ours --type Incremental
    echo "ours-incr $run $(set_data_bytes)" >> "$SIZES"
    drop_caches; time_cmd ours-pz-incr data "$run" ours_pz --type Incremental
    echo "ours-pz-incr $run $(set_data_bytes repo-pz)" >> "$SIZES"
    drop_caches; time_cmd pgbr-incr data "$run" pgbr backup --type=incr
    echo "pgbr-incr $run $(pgbr_sizes)" >> "$SIZES"
    # Restores of the incremental, each fsynced, into an empty folder and then (-Delta) over that copy again.
    INCR=$(ls -dt "$WORK"/repo/*-postgresql-hot-* | head -1)
    rm -rf "$WORK/r-ours" "$WORK/r-pgbr"; mkdir -p "$WORK/r-pgbr"; chown postgres:postgres "$WORK/r-pgbr"; chmod 700 "$WORK/r-pgbr"
    # Each -Delta right after its own restore: the VM's page cache is dropped, but a host may still cache what was written last.
    PZ_INCR=$(ls -dt "$WORK"/repo-pz/*-postgresql-hot-* | head -1)
    rm -rf "$WORK/r-pz"
    drop_caches; time_cmd ours-restore data "$run" "$CLI" Restore-BackupSet --path "$INCR" --destination-path "$WORK/r-ours"
    drop_caches; time_cmd ours-delta data "$run" "$CLI" Restore-BackupSet --path "$INCR" --destination-path "$WORK/r-ours" --delta
    rm -rf "$WORK/r-ours"
    drop_caches; time_cmd ours-pz-restore data "$run" "$CLI" Restore-BackupSet --path "$PZ_INCR" --destination-path "$WORK/r-pz"
    drop_caches; time_cmd ours-pz-delta data "$run" "$CLI" Restore-BackupSet --path "$PZ_INCR" --destination-path "$WORK/r-pz" --delta
    rm -rf "$WORK/r-pz"
    drop_caches; time_cmd pgbr-restore data "$run" sh -c "runuser -u postgres -- pgbackrest --config=$PGBR_CONF --stanza=bench --pg1-path=$WORK/r-pgbr restore && sync"
    drop_caches; time_cmd pgbr-delta data "$run" sh -c "runuser -u postgres -- pgbackrest --config=$PGBR_CONF --stanza=bench --pg1-path=$WORK/r-pgbr --delta restore && sync"
    rm -rf "$WORK/r-pgbr"
    pgbr expire --repo1-retention-full=1 >/dev/null 2>&1 || true
done

# pgbench's throughput while each tool takes a full backup (our zstd tar with two workers and with one, our
# Plain Zstd set with one, pgBackRest's): in each run one pgbench of TPS_SECONDS with a quiet stretch around each backup; the drop is each
# backup's mean TPS against the quiet stretches'. The page cache is not dropped here.
PROGRESS=$(mktemp)
WINDOWS=$(mktemp)
window() { # LABEL COMMAND...: runs COMMAND, appending "LABEL start end" (epoch seconds) to $WINDOWS
    local label=$1 start end; shift
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || { echo "FAILED: $label: $*" >&2; exit 1; }
    end=$(date +%s.%N)
    echo "$label $start $end" >> "$WINDOWS"
}
for run in $(seq 1 "$RUNS"); do
    rm -rf "$WORK/repo-zstd"; mkdir -p "$WORK/repo-zstd"
    as_pg "$BIN/pgbench" -h "$SOCK" -p "$PORT" -U postgres -n -c "$CLIENTS" -j 2 -T "$TPS_SECONDS" -P 1 --progress-timestamp postgres 2>> "$PROGRESS" >/dev/null &
    PGBENCH=$!
    sleep 8
    window ours-zstd "$CLI" Start-HotBackup --engine PostgreSql --connection-string "$CONN" --destination-path "$WORK/repo-zstd" --wal-archive-path "$ARCHIVE" --compression Zstd --throttle-limit 2
    sleep 8
    window ours-zstd-1 "$CLI" Start-HotBackup --engine PostgreSql --connection-string "$CONN" --destination-path "$WORK/repo-zstd" --wal-archive-path "$ARCHIVE" --compression Zstd
    sleep 8
    rm -rf "$WORK/repo-pz1"; mkdir -p "$WORK/repo-pz1"
    window ours-pz-1 "$CLI" Start-HotBackup --engine PostgreSql --connection-string "$CONN" --destination-path "$WORK/repo-pz1" --wal-archive-path "$ARCHIVE" --format Plain --compression Zstd
    sleep 8
    window pgbr-full pgbr backup --type=full
    wait "$PGBENCH"
    rm -rf "$WORK/repo-zstd" "$WORK/repo-pz1"
    pgbr expire --repo1-retention-full=1 >/dev/null 2>&1 || true
done

BENCH_NOTE="Page cache dropped before each backup and restore: $DROPS."
python3 - "$RESULTS" "$SIZES" "$RUNS" "$SCALE" "$CHURN_SECONDS" "$CLIENTS" "$PROGRESS" "$WINDOWS" <<'PY' | bench_report
import statistics, sys, collections
times, sizes = collections.defaultdict(list), collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, _, run, value = line.split()
    times[label].append(int(value) / 1000)
for line in open(sys.argv[2]):
    label, run, *values = line.split()
    sizes[label].append([int(v) for v in values])
t = lambda label: statistics.median(times[label])
s = lambda label, i=0: statistics.median(v[i] for v in sizes[label]) / 1e6
print(f"pgbench scale {sys.argv[4]}; the incremental after pgbench -c {sys.argv[6]} for {sys.argv[5]} s; runs: {sys.argv[3]}; medians")
print()
print("| backup | tool | seconds | data MB copied | MB stored |")
print("|---|---|---:|---:|---:|")
print(f"| full | pgBackRest (zst, process-max 2) | {t('pgbr-full'):.2f} | {s('pgbr-full'):.0f} | {s('pgbr-full', 1):.0f} |")
print(f"| full | Start-HotBackup -ThrottleLimit 2 (plain) | {t('ours-full'):.2f} | {s('ours-full'):.0f} | {s('ours-full'):.0f} |")
print(f"| full | Start-HotBackup -Compression Zstd -ThrottleLimit 2 | {t('ours-zstd'):.2f} | | {s('ours-zstd'):.0f} |")
print(f"| full | Start-HotBackup -Format Plain -Compression Zstd -ThrottleLimit 2 | {t('ours-pz-full'):.2f} | | {s('ours-pz-full'):.0f} |")
print(f"| full | Start-HotBackup -Format Plain -Compression Zstd (one file at a time, the default) | {t('ours-pz1-full'):.2f} | | {s('ours-pz1-full'):.0f} |")
print(f"| incremental | pgBackRest (zst, process-max 2) | {t('pgbr-incr'):.2f} | {s('pgbr-incr'):.0f} | {s('pgbr-incr', 1):.0f} |")
print(f"| incremental | Start-HotBackup -Type Incremental -ThrottleLimit 2 (plain) | {t('ours-incr'):.2f} | {s('ours-incr'):.1f} | {s('ours-incr'):.1f} |")
print(f"| incremental | Start-HotBackup -Type Incremental -Format Plain -Compression Zstd -ThrottleLimit 2 | {t('ours-pz-incr'):.2f} | | {s('ours-pz-incr'):.1f} |")
print()
print("| restore of the incremental (fsynced) | pgBackRest s | ours, plain chain s | speed-up | ours, Plain Zstd chain s | speed-up |")
print("|---|---:|---:|---:|---:|---:|")
for label, name in [("restore", "into an empty folder"), ("delta", "-Delta over that copy (identical)")]:
    pgbr = t('pgbr-' + label)
    print(f"| {name} | {pgbr:.2f} | {t('ours-' + label):.2f} | {pgbr / t('ours-' + label):.2f}x | {t('ours-pz-' + label):.2f} | {pgbr / t('ours-pz-' + label):.2f}x |")
print()
windows = [(label, float(a), float(b)) for label, a, b in (line.split() for line in open(sys.argv[8]))]
ticks = [(float(m[1]), float(m[3])) for m in (l.split() for l in open(sys.argv[7]) if l.startswith("progress:")) if len(m) > 4]
inside = lambda t, a, b: t - 1 >= a and t <= b
quiet = [tps for t, tps in ticks if not any(t >= a - 1 and t - 1 <= b for _, a, b in windows)]
base = statistics.mean(quiet)
print(f"| pgbench -c {sys.argv[6]} during a full backup | backup s (under load) | mean TPS | drop against the quiet stretches ({base:.0f} TPS) |")
print("|---|---:|---:|---:|")
for label, name in [("pgbr-full", "pgBackRest (zst, process-max 2)"), ("ours-zstd", "Start-HotBackup -Compression Zstd -ThrottleLimit 2"), ("ours-zstd-1", "Start-HotBackup -Compression Zstd (one file at a time, the default)"),
                    ("ours-pz-1", "Start-HotBackup -Format Plain -Compression Zstd (one file at a time, the default)")]:
    during = [tps for t, tps in ticks if any(l == label and inside(t, a, b) for l, a, b in windows)]
    # A backup shorter than two of pgbench's one-second reports: the reports it overlaps.
    during = during if len(during) >= 2 else [tps for t, tps in ticks if any(l == label and t > a and t - 1 < b for l, a, b in windows)]
    mean = statistics.mean(during)
    seconds = statistics.median(b - a for l, a, b in windows if l == label)
    print(f"| {name} | {seconds:.2f} | {mean:.0f} | {100 * (1 - mean / base):.1f}% |")
print()
print(f"Ours: the incremental's data is {100 * s('ours-incr') / s('ours-full'):.1f}% of the full set's and takes {100 * t('ours-incr') / t('ours-full'):.0f}% of its time; "
      f"it copies {s('ours-incr') / s('pgbr-incr'):.3f}x what pgBackRest's incremental copies. Full backup: ours {t('pgbr-full') / t('ours-full'):.2f}x pgBackRest's speed plain, {t('pgbr-full') / t('ours-zstd'):.2f}x as a zstd tar, "
      f"{t('pgbr-full') / t('ours-pz-full'):.2f}x as Plain Zstd ({t('pgbr-full') / t('ours-pz1-full'):.2f}x one file at a time), whose incremental takes {100 * t('ours-pz-incr') / t('ours-pz-full'):.0f}% of its full's time and stores {s('ours-pz-incr') / s('pgbr-incr', 1):.2f}x what pgBackRest's does.")
PY
rm -f "$RESULTS" "$SIZES" "$PROGRESS" "$WINDOWS" "$PGBR_CONF" /tmp/bkc-incr-archive
