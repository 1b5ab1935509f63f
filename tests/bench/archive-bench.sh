#!/usr/bin/env bash
# Archives: our CLI against GNU tar, gzip, pigz and bzip2, measured in one run.
#
#   RUNS=3 BZIP2_RUNS=1 BENCH_DIR=/tmp/bkc-archive-bench tests/bench/archive-bench.sh   (the defaults)
#
# Data (made once, in BENCH_DIR, by make-data.py): 20,000 files of 1-64 KiB and four 256 MB files,
# each set half compressible text and half random bytes. Every timing is a whole process, the median
# of RUNS (bzip2 creation: BZIP2_RUNS); the page cache is warm for both sides and `sync` runs before
# each command so one run's writeback does not bill the next. Our archive is flushed to disk before
# it is renamed (the crash guarantee); `tar -cf` leaves it in the page cache, so
# "tar -cf && sync FILE" is measured too, as the durable equivalent.
set -euo pipefail
. "$(dirname "$0")/bench-common.sh"
RUNS=${RUNS:-3}
BZIP2_RUNS=${BZIP2_RUNS:-1}
BENCH_DIR=${BENCH_DIR:-/tmp/bkc-archive-bench}
bench_start archive "Archives against GNU tar, gzip, pigz and bzip2" "RUNS BZIP2_RUNS" "$@"
DATA=$BENCH_DIR
OUT=$DATA/out
mkdir -p "$DATA" "$OUT"
bench_cli "$DATA/cli"
bench_data files "$DATA/small"
bench_data large "$DATA/large"
RESULTS=$(mktemp)
. "$BENCH_REPO/tests/bench/retire.sh"


for set in small large; do
    cd "$DATA"
    bytes=$(du -sb --apparent-size "$set" | cut -f1)
    echo "input $set 0 $bytes" >> "$RESULTS"
    for run in $(seq 1 "$RUNS"); do
        rm -rf "$OUT"/*
        # Writing into memory the VM has not touched lately is slower than reusing it, so whoever
        # writes first after a cleanup pays more: plain tar creation and extraction alternate order.
        if (( run % 2 )); then
            time_cmd "ours-none" "$set" "$run" "$CLI" New-TarArchive --path "$set" --destination-path "$OUT/ours.tar"
        fi
        time_cmd "tar-cf" "$set" "$run" tar -cf "$OUT/gnu.tar" "$set"
        # We flush the archive to disk before renaming it; GNU tar never does. This is tar made as durable.
        time_cmd "tar-cf-fsync" "$set" "$run" sh -c "tar -cf '$OUT/gnu-durable.tar' '$set' && sync '$OUT/gnu-durable.tar'"
        if (( run % 2 == 0 )); then
            time_cmd "ours-none" "$set" "$run" "$CLI" New-TarArchive --path "$set" --destination-path "$OUT/ours.tar"
        fi
        time_cmd "tar-czf" "$set" "$run" tar -czf "$OUT/gnu.tar.gz" "$set"
        time_cmd "pigz-p2" "$set" "$run" sh -c "tar -cf - '$set' | pigz -p 2 > '$OUT/pigz.tar.gz'"
        time_cmd "ours-gzip" "$set" "$run" "$CLI" New-TarArchive --path "$set" --destination-path "$OUT/ours.tar.gz" --compression GZip
        echo "size-tar-cf $set $run $(size_of "$OUT/gnu.tar")" >> "$RESULTS"
        echo "size-ours-none $set $run $(size_of "$OUT/ours.tar")" >> "$RESULTS"
        echo "size-tar-czf $set $run $(size_of "$OUT/gnu.tar.gz")" >> "$RESULTS"
        echo "size-pigz-p2 $set $run $(size_of "$OUT/pigz.tar.gz")" >> "$RESULTS"
        echo "size-ours-gzip $set $run $(size_of "$OUT/ours.tar.gz")" >> "$RESULTS"
        time_cmd "tar-tzf" "$set" "$run" tar -tzf "$OUT/ours.tar.gz"
        time_cmd "ours-list" "$set" "$run" "$CLI" Get-TarArchiveItem --path "$OUT/ours.tar.gz"
        time_cmd "gzip-t" "$set" "$run" gzip -t "$OUT/ours.tar.gz"
        time_cmd "ours-test" "$set" "$run" "$CLI" Test-Archive --path "$OUT/ours.tar.gz"
        mkdir -p "$OUT/x-gnu"
        if (( run % 2 )); then
            time_cmd "ours-expand" "$set" "$run" "$CLI" Expand-TarArchive --path "$OUT/ours.tar.gz" --destination-path "$OUT/x-ours"
        fi
        time_cmd "tar-xzf" "$set" "$run" tar -xzf "$OUT/ours.tar.gz" -C "$OUT/x-gnu"
        if (( run % 2 == 0 )); then
            time_cmd "ours-expand" "$set" "$run" "$CLI" Expand-TarArchive --path "$OUT/ours.tar.gz" --destination-path "$OUT/x-ours"
        fi
        retire "$OUT/x-gnu" "$OUT/x-ours"
    done
    for run in $(seq 1 "$BZIP2_RUNS"); do
        rm -f "$OUT"/*.bz2
        time_cmd "tar-cjf" "$set" "$run" tar -cjf "$OUT/gnu.tar.bz2" "$set"
        time_cmd "ours-bzip2" "$set" "$run" "$CLI" New-TarArchive --path "$set" --destination-path "$OUT/ours.tar.bz2" --compression BZip2
        echo "size-tar-cjf $set $run $(size_of "$OUT/gnu.tar.bz2")" >> "$RESULTS"
        echo "size-ours-bzip2 $set $run $(size_of "$OUT/ours.tar.bz2")" >> "$RESULTS"
    done
done
rm -rf "$OUT"

python3 - "$RESULTS" "$RUNS" "$BZIP2_RUNS" <<'PY' | bench_report
import statistics, sys, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, dataset, run, value = line.split()
    rows[(label, dataset)].append(int(value))
def med(label, dataset):
    return statistics.median(rows[(label, dataset)])
pairs = [
    ("create tar", "ours-none", "tar-cf", "tar -cf", "size-ours-none", "size-tar-cf"),
    ("create tar", "ours-none", "tar-cf-fsync", "tar -cf && sync FILE", None, None),
    ("create gzip", "ours-gzip", "tar-czf", "tar -czf", "size-ours-gzip", "size-tar-czf"),
    ("create gzip", "ours-gzip", "pigz-p2", "tar -cf - | pigz -p 2", "size-ours-gzip", "size-pigz-p2"),
    ("create bzip2", "ours-bzip2", "tar-cjf", "tar -cjf", "size-ours-bzip2", "size-tar-cjf"),
    ("list .tar.gz", "ours-list", "tar-tzf", "tar -tzf", None, None),
    ("test .tar.gz", "ours-test", "gzip-t", "gzip -t", None, None),
    ("extract .tar.gz", "ours-expand", "tar-xzf", "tar -xzf", None, None),
]
print(f"runs: {sys.argv[2]} (bzip2: {sys.argv[3]}); medians; MB/s of uncompressed input; list/test/extract read our .tar.gz")
print()
print("| data | operation | reference | ref s | ref MB/s | ours s | ours MB/s | speed-up | ref size | our size | size ratio |")
print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for dataset in ("small", "large"):
    mb = rows[("input", dataset)][0] / 1e6
    for name, ours, ref, ref_name, ours_size, ref_size in pairs:
        if (ours, dataset) not in rows:
            continue
        o, r = med(ours, dataset) / 1000, med(ref, dataset) / 1000
        sizes = ("", "", "")
        if ours_size:
            osz, rsz = med(ours_size, dataset), med(ref_size, dataset)
            sizes = (f"{rsz/1e6:.1f} MB", f"{osz/1e6:.1f} MB", f"{osz/rsz:.4f}")
        label = "20,000 files" if dataset == "small" else "4 x 256 MB"
        print(f"| {label} | {name} | `{ref_name}` | {r:.2f} | {mb/r:.0f} | {o:.2f} | {mb/o:.0f} | {r/o:.2f}x | {sizes[0]} | {sizes[1]} | {sizes[2]} |")
PY
rm -f "$RESULTS"
