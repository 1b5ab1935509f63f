#!/usr/bin/env bash
# What encryption costs: full hot backups, their verification and their restore, in the clear and
# encrypted, ours (-EncryptionKeyFile, AES-256-GCM; Plain sets, and Plain sets with each file
# zstd-compressed first: -Format Plain -Compression Zstd) against pgBackRest (Debian's package;
# compress-type=zst, process-max=2, then the same with repo2-cipher-type=aes-256-cbc) on the same
# pgbench database in the same run. Ours run with -ThrottleLimit 2, as pgBackRest's two processes.
# Medians of RUNS runs; the page cache is dropped before each step when the kernel allows it (the
# header says whether); restores are followed by sync.
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
    # Every other run in the reverse order: a step after another that read the same data finds the host's cache warmer.
    sides="clear encrypted zstd-clear zstd-encrypted"; repos="1 2"
    [ $((run % 2)) = 1 ] || { sides="zstd-encrypted zstd-clear encrypted clear"; repos="2 1"; }
    for side in $sides; do
        key=(); [ "${side#zstd-}" = clear ] || key=(--encryption-key-file "$WORK/set.key")
        layout=(--format Plain); [ "${side#zstd-}" = "$side" ] || layout+=(--compression Zstd)
        rm -rf "$WORK/repo-$side" "$WORK/r-$side"; mkdir -p "$WORK/repo-$side"
        drop_caches; time_cmd "ours-backup-$side" data "$run" "$CLI" Start-HotBackup --engine PostgreSql --connection-string "$CONN" --destination-path "$WORK/repo-$side" --wal-archive-path "$ARCHIVE" --throttle-limit 2 "${layout[@]}" "${key[@]}"
        drop_caches; time_cmd "ours-test-$side" data "$run" "$CLI" Test-BackupSet --path "$(newest "$WORK/repo-$side")" "${key[@]}"
        drop_caches; time_cmd "ours-restore-$side" data "$run" "$CLI" Restore-BackupSet --path "$(newest "$WORK/repo-$side")" --destination-path "$WORK/r-$side" "${key[@]}"
        rm -rf "$WORK/r-$side"
    done
    for repo in $repos; do
        side=clear; [ "$repo" = 1 ] || side=encrypted
        drop_caches; time_cmd "pgbr-backup-$side" data "$run" pgbr backup --type=full --repo="$repo"
        drop_caches; time_cmd "pgbr-test-$side" data "$run" pgbr verify --repo="$repo"
        drop_caches; time_cmd "pgbr-restore-$side" data "$run" pgbr_restore "$repo" "$WORK/rp-$side"
        rm -rf "$WORK/rp-$side"
        pgbr expire --repo="$repo" --repo"$repo"-retention-full=1 >/dev/null 2>&1 || true
    done
done

BENCH_NOTE="Page cache dropped before each step: $DROPS. pgBackRest's verification is \`pgbackrest verify\` (the whole repository, its WAL archive included)."
size() { du -sb "$1" | cut -f1; }
python3 - "$RESULTS" "$RUNS" "$SCALE" "$(size "$WORK/repo-clear")" "$(size "$WORK/repo-encrypted")" "$(size "$WORK/repo-zstd-clear")" "$(size "$WORK/repo-zstd-encrypted")" "$(size "$WORK/pgbr1/backup")" "$(size "$WORK/pgbr2/backup")" <<'PY' | bench_report
import statistics, sys, collections
times = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, _, run, value = line.split()
    times[label].append(int(value) / 1000)
t = lambda label: statistics.median(times[label])
mb = [int(v) / 1e6 for v in sys.argv[4:10]]
print(f"pgbench scale {sys.argv[3]}; runs: {sys.argv[2]}; medians. Sets, MB in the clear / encrypted: ours Plain {mb[0]:.0f} / {mb[1]:.0f}, "
      f"ours Plain Zstd {mb[2]:.0f} / {mb[3]:.0f} (each with the WAL it holds), pgBackRest {mb[4]:.0f} / {mb[5]:.0f} (its backup folder: the newest full set, without its WAL archive)")
print()
print("| step | ours Plain clear s | encrypted s | cost | ours Plain Zstd clear s | encrypted s | cost | pgBackRest clear s | aes-256-cbc s | cost | encrypted, ours Plain Zstd against pgBackRest |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for step, name in [("backup", "full hot backup"), ("test", "verify (Test-BackupSet with the key / pgbackrest verify)"), ("restore", "restore into an empty folder, fsynced")]:
    row = [name]
    for clear, encrypted in [("ours-%s-clear", "ours-%s-encrypted"), ("ours-%s-zstd-clear", "ours-%s-zstd-encrypted"), ("pgbr-%s-clear", "pgbr-%s-encrypted")]:
        c, e = t(clear % step), t(encrypted % step)
        row += [f"{c:.2f}", f"{e:.2f}", f"{100 * (e / c - 1):+.0f}%"]
    row.append(f"{t(f'pgbr-{step}-encrypted') / t(f'ours-{step}-zstd-encrypted'):.2f}x")
    print("| " + " | ".join(row) + " |")
print()
print("Each run, s (odd runs clear first, even runs encrypted first): " + "; ".join(f"{label} {' '.join(f'{v:.2f}' for v in values)}" for label, values in sorted(times.items())))
PY
rm -f "$RESULTS" "$PGBR_CONF" /tmp/bkc-enc-archive
