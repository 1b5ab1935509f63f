#!/usr/bin/env bash
# What encryption costs: full hot backups, their verification and their restore, in the clear and
# encrypted, ours (plain sets; -EncryptionKeyFile, AES-256-GCM) against pgBackRest (Debian's package;
# compress-type=zst, process-max=2, then the same with repo2-cipher-type=aes-256-cbc) on the same
# pgbench database in the same run. Medians of RUNS runs; the page cache is dropped before each step
# when the kernel allows it (the header says whether); restores are followed by sync.
#
#   SCALE=50 RUNS=3 tests/bench/encryption-bench.sh   (the defaults; as root, PostgreSQL 15 binaries and
#                                                     pgbackrest needed)
set -euo pipefail
. "$(dirname "$0")/bench-common.sh"
SCALE=${SCALE:-50}
RUNS=${RUNS:-3}
bench_start encryption "Encrypted sets against pgBackRest's encrypted repository" "SCALE RUNS" "$@"
command -v pgbackrest >/dev/null || { echo "pgbackrest is not installed (apt-get install pgbackrest)" >&2; exit 1; }
. "$BENCH_REPO/tests/bench/bench-postgres.sh"
cleanup() {
    [ -n "${WORK:-}" ] || return 0
    [ -f "$DATA/postmaster.pid" ] && as_pg "$BIN/pg_ctl" stop -D "$DATA" -m immediate -w >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
PGBR_CONF=/tmp/bkc-encryption-pgbackrest.conf
bench_postgres encryption "archive_command = '(test -f /tmp/bkc-enc-archive/%f || cp %p /tmp/bkc-enc-archive/%f) && pgbackrest --config=$PGBR_CONF --stanza=bench archive-push %p'"
rm -rf /tmp/bkc-enc-archive && ln -s "$ARCHIVE" /tmp/bkc-enc-archive
bench_cli "$WORK/cli"
mkdir -p "$WORK/pgbr1" "$WORK/pgbr2"
chown postgres:postgres "$WORK/pgbr1" "$WORK/pgbr2"
head -c 32 /dev/urandom > "$WORK/set.key"
as_pg "$BIN/pgbench" -h "$SOCK" -p "$PORT" -U postgres -i -s "$SCALE" -q postgres >/dev/null 2>&1
as_pg "$BIN/psql" -h "$SOCK" -p "$PORT" -U postgres -qc CHECKPOINT postgres
bench_pgbackrest "$PGBR_CONF" "repo1-path=$WORK/pgbr1" "repo2-path=$WORK/pgbr2" "repo2-cipher-type=aes-256-cbc" "repo2-cipher-pass=$(head -c 24 /dev/urandom | base64)"
bench_page_cache
RESULTS=$(mktemp)
newest() { ls -dt "$1"/*-postgresql-hot-* | head -1; }
pgbr_restore() { # REPO TARGET
    rm -rf "$2"; mkdir -p "$2"; chown postgres:postgres "$2"; chmod 700 "$2"
    runuser -u postgres -- pgbackrest --config="$PGBR_CONF" --stanza=bench --repo="$1" --pg1-path="$2" restore && sync
}

for run in $(seq 1 "$RUNS"); do
    for side in clear encrypted; do
        key=(); [ "$side" = clear ] || key=(--encryption-key-file "$WORK/set.key")
        rm -rf "$WORK/repo-$side" "$WORK/r-$side"; mkdir -p "$WORK/repo-$side"
        drop_caches; time_cmd "ours-backup-$side" data "$run" "$CLI" Start-HotBackup --engine PostgreSql --connection-string "$CONN" --destination-path "$WORK/repo-$side" --wal-archive-path "$ARCHIVE" "${key[@]}"
        drop_caches; time_cmd "ours-test-$side" data "$run" "$CLI" Test-BackupSet --path "$(newest "$WORK/repo-$side")" "${key[@]}"
        drop_caches; time_cmd "ours-restore-$side" data "$run" "$CLI" Restore-BackupSet --path "$(newest "$WORK/repo-$side")" --destination-path "$WORK/r-$side" "${key[@]}"
        rm -rf "$WORK/r-$side"
    done
    for repo in 1 2; do
        side=clear; [ "$repo" = 1 ] || side=encrypted
        drop_caches; time_cmd "pgbr-backup-$side" data "$run" pgbr backup --type=full --repo="$repo"
        drop_caches; time_cmd "pgbr-test-$side" data "$run" pgbr verify --repo="$repo"
        drop_caches; time_cmd "pgbr-restore-$side" data "$run" pgbr_restore "$repo" "$WORK/rp-$side"
        rm -rf "$WORK/rp-$side"
        pgbr expire --repo="$repo" --repo"$repo"-retention-full=1 >/dev/null 2>&1 || true
    done
done

BENCH_NOTE="Page cache dropped before each step: $DROPS. pgBackRest's verification is \`pgbackrest verify\` (the whole repository, its WAL archive included)."
python3 - "$RESULTS" "$RUNS" "$SCALE" "$(du -sb "$WORK/repo-clear" | cut -f1)" "$(du -sb "$WORK/repo-encrypted" | cut -f1)" <<'PY' | bench_report
import statistics, sys, collections
times = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, _, run, value = line.split()
    times[label].append(int(value) / 1000)
t = lambda label: statistics.median(times[label])
print(f"pgbench scale {sys.argv[3]}; runs: {sys.argv[2]}; medians; our set {int(sys.argv[4]) / 1e6:.0f} MB in the clear, {int(sys.argv[5]) / 1e6:.0f} MB encrypted")
print()
print("| step | ours clear s | ours encrypted s | cost | pgBackRest clear s | pgBackRest aes-256-cbc s | cost |")
print("|---|---:|---:|---:|---:|---:|---:|")
for step, name in [("backup", "full hot backup"), ("test", "verify (Test-BackupSet with the key / pgbackrest verify)"), ("restore", "restore into an empty folder, fsynced")]:
    oc, oe, pc, pe = t(f"ours-{step}-clear"), t(f"ours-{step}-encrypted"), t(f"pgbr-{step}-clear"), t(f"pgbr-{step}-encrypted")
    print(f"| {name} | {oc:.2f} | {oe:.2f} | {100 * (oe / oc - 1):+.0f}% | {pc:.2f} | {pe:.2f} | {100 * (pe / pc - 1):+.0f}% |")
PY
rm -f "$RESULTS" "$PGBR_CONF" /tmp/bkc-enc-archive
