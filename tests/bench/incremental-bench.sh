#!/usr/bin/env bash
# Incremental archives: our CLI (-SnapshotPath) against GNU tar --listed-incremental, in one run.
#
#   RUNS=3 CHANGED=200 BENCH_DIR=/tmp/bkc-archive-bench tests/bench/incremental-bench.sh   (the defaults)
#
# The 20,000 small files of the archive benchmark (make-data.py files), copied to a working tree.
# Each run: both tools write a level 0 of the tree with their own snapshot file (not timed), then
# CHANGED files (1%), a different sample each run, are rewritten, and the level 1 of each tool is
# timed (a whole process after a sync, the order alternating). Our archive and snapshot file are
# flushed to disk before they get their names; GNU tar leaves both in the page cache, so GNU tar
# followed by `sync` of the two files is timed too. Both archives are plain tar; sizes and entry
# counts are reported. The figures are medians of RUNS.
set -euo pipefail
. "$(dirname "$0")/bench-common.sh"
RUNS=${RUNS:-3}
CHANGED=${CHANGED:-200}
BENCH_DIR=${BENCH_DIR:-/tmp/bkc-archive-bench}
bench_start incremental "Incremental archives against GNU tar --listed-incremental" "RUNS CHANGED" "$@"
DATA=$BENCH_DIR
OUT=$DATA/out-incremental
mkdir -p "$DATA" "$OUT"
bench_cli "$DATA/cli"
bench_data files "$DATA/small"
RESULTS=$(mktemp)
. "$BENCH_REPO/tests/bench/retire.sh"
rm -rf "$OUT/tree" && cp -a "$DATA/small" "$OUT/tree"
cd "$OUT"

for run in $(seq 1 "$RUNS"); do
    rm -f ./*.tar ./*.snar
    tar --listed-incremental=gnu.snar -cf gnu-0.tar tree
    cp gnu.snar gnu-level0.snar
    "$CLI" New-TarArchive --path tree --destination-path ours-0.tar --snapshot-path ours.snar >/dev/null
    sleep 1
    find tree -type f | sort | python3 -c "
import random, sys
files = [l.strip() for l in sys.stdin]
for path in random.Random($run).sample(files, $CHANGED):
    with open(path, 'ab') as f:
        f.write(b'changed in run $run\n')
"
    if (( run % 2 )); then
        time_cmd "ours-level1" tree "$run" "$CLI" New-TarArchive --path tree --destination-path ours-1.tar --snapshot-path ours.snar
    fi
    time_cmd "gnu-level1" tree "$run" tar --listed-incremental=gnu.snar -cf gnu-1.tar tree
    # We flush the archive and the snapshot file before they get their names; this is GNU tar made as durable.
    cp gnu-level0.snar gnu-durable.snar
    time_cmd "gnu-level1-sync" tree "$run" sh -c "tar --listed-incremental=gnu-durable.snar -cf gnu-1-durable.tar tree && sync gnu-1-durable.tar gnu-durable.snar"
    if (( run % 2 == 0 )); then
        time_cmd "ours-level1" tree "$run" "$CLI" New-TarArchive --path tree --destination-path ours-1.tar --snapshot-path ours.snar
    fi
    echo "size-ours tree $run $(size_of ours-1.tar)" >> "$RESULTS"
    echo "size-gnu tree $run $(size_of gnu-1.tar)" >> "$RESULTS"
    echo "files-ours tree $run $(tar -tf ours-1.tar | grep -vc '/$')" >> "$RESULTS"
    echo "files-gnu tree $run $(tar -tf gnu-1.tar | grep -vc '/$')" >> "$RESULTS"
done
cd "$DATA"
retire "$OUT"

python3 - "$RESULTS" "$RUNS" "$CHANGED" <<'PY' | bench_report
import statistics, sys, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, dataset, run, value = line.split()
    rows[label].append(int(value))
med = lambda label: statistics.median(rows[label])
o, r, rs = med("ours-level1") / 1000, med("gnu-level1") / 1000, med("gnu-level1-sync") / 1000
print(f"runs: {sys.argv[2]}; medians; a level 1 after {sys.argv[3]} of 20,000 files (1-64 KiB) changed")
print()
print("| operation | reference | ref s | ours s | speed-up | ref size | our size | ref files | our files |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
print(f"| level 1, plain tar | `tar --listed-incremental -cf` | {r:.2f} | {o:.2f} | {r/o:.2f}x | {med('size-gnu')/1e6:.1f} MB | {med('size-ours')/1e6:.1f} MB | {med('files-gnu'):.0f} | {med('files-ours'):.0f} |")
print(f"| level 1, plain tar | `tar --listed-incremental -cf && sync FILES` | {rs:.2f} | {o:.2f} | {rs/o:.2f}x | | | | |")
PY
rm -f "$RESULTS"
