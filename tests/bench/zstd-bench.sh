#!/usr/bin/env bash
# zstd archives: our CLI against GNU tar with the zstd tool, measured in one run.
#
#   RUNS=3 BENCH_DIR=/tmp/bkc-archive-bench tests/bench/zstd-bench.sh   (the defaults)
#
# The data sets of the archive benchmark (make-data.py, in BENCH_DIR): 20,000 files of 1-64 KiB and
# four 256 MB files. Every timing is a whole process, the median of RUNS, page cache warm, `sync`
# before each. Creation: ours (level 3, independent 4 MiB frames compressed on every core, a seek
# table, flushed to disk before the rename) against `tar -cf - | zstd -T2 -3` (zstd -T2 uses both
# cores here), also followed by `sync FILE` as the durable equivalent. Extraction, test and listing
# read our archive on both sides: `tar -I zstd -xf` and `zstd -t` decode a stream with one thread.
set -euo pipefail
. "$(dirname "$0")/bench-common.sh"
RUNS=${RUNS:-3}
BENCH_DIR=${BENCH_DIR:-/tmp/bkc-archive-bench}
bench_start zstd "zstd archives against tar and zstd" "RUNS" "$@"
DATA=$BENCH_DIR
OUT=$DATA/out-zstd
mkdir -p "$DATA" "$OUT"
bench_cli "$DATA/cli"
bench_data files "$DATA/small"
bench_data large "$DATA/large"
RESULTS=$(mktemp)
. "$BENCH_REPO/tests/bench/retire.sh"

for set in small large; do
    cd "$DATA"
    echo "input $set 0 $(du -sb --apparent-size "$set" | cut -f1)" >> "$RESULTS"
    for run in $(seq 1 "$RUNS"); do
        rm -f "$OUT"/*.zst
        time_cmd "zstd-T2" "$set" "$run" sh -c "tar -cf - '$set' | zstd -q -T2 -3 -o '$OUT/gnu.tar.zst'"
        time_cmd "zstd-T2-sync" "$set" "$run" sh -c "tar -cf - '$set' | zstd -q -T2 -3 -f -o '$OUT/gnu-durable.tar.zst' && sync '$OUT/gnu-durable.tar.zst'"
        time_cmd "ours-zstd" "$set" "$run" "$CLI" New-TarArchive --path "$set" --destination-path "$OUT/ours.tar.zst"
        echo "size-zstd-T2 $set $run $(size_of "$OUT/gnu.tar.zst")" >> "$RESULTS"
        echo "size-ours-zstd $set $run $(size_of "$OUT/ours.tar.zst")" >> "$RESULTS"
        time_cmd "zstd-t" "$set" "$run" zstd -q -t "$OUT/ours.tar.zst"
        time_cmd "ours-test" "$set" "$run" "$CLI" Test-Archive --path "$OUT/ours.tar.zst"
        time_cmd "tar-tf-zstd" "$set" "$run" tar -I zstd -tf "$OUT/ours.tar.zst"
        time_cmd "ours-list" "$set" "$run" "$CLI" Get-TarArchiveItem --path "$OUT/ours.tar.zst"
        mkdir -p "$OUT/x-gnu"
        # Whoever writes first after a cleanup pays more (see archive-bench.sh): the order alternates.
        if (( run % 2 )); then
            time_cmd "ours-expand" "$set" "$run" "$CLI" Expand-TarArchive --path "$OUT/ours.tar.zst" --destination-path "$OUT/x-ours"
        fi
        time_cmd "tar-xf-zstd" "$set" "$run" tar -I zstd -xf "$OUT/ours.tar.zst" -C "$OUT/x-gnu"
        if (( run % 2 == 0 )); then
            time_cmd "ours-expand" "$set" "$run" "$CLI" Expand-TarArchive --path "$OUT/ours.tar.zst" --destination-path "$OUT/x-ours"
        fi
        retire "$OUT/x-gnu" "$OUT/x-ours"
    done
done
rm -rf "$OUT"

python3 - "$RESULTS" "$RUNS" <<'PY' | bench_report
import statistics, sys, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, dataset, run, value = line.split()
    rows[(label, dataset)].append(int(value))
def med(label, dataset):
    return statistics.median(rows[(label, dataset)])
pairs = [
    ("create zstd", "ours-zstd", "zstd-T2", "tar -cf - | zstd -T2 -3", "size-ours-zstd", "size-zstd-T2"),
    ("create zstd", "ours-zstd", "zstd-T2-sync", "tar -cf - | zstd -T2 -3 && sync FILE", None, None),
    ("extract .tar.zst", "ours-expand", "tar-xf-zstd", "tar -I zstd -xf", None, None),
    ("test .tar.zst", "ours-test", "zstd-t", "zstd -t", None, None),
    ("list .tar.zst", "ours-list", "tar-tf-zstd", "tar -I zstd -tf", None, None),
]
print(f"runs: {sys.argv[2]}; medians; MB/s of uncompressed input; extract/test/list read our .tar.zst")
print()
print("| data | operation | reference | ref s | ref MB/s | ours s | ours MB/s | speed-up | ref size | our size | size ratio |")
print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for dataset in ("small", "large"):
    mb = rows[("input", dataset)][0] / 1e6
    for name, ours, ref, ref_name, ours_size, ref_size in pairs:
        o, r = med(ours, dataset) / 1000, med(ref, dataset) / 1000
        sizes = ("", "", "")
        if ours_size:
            osz, rsz = med(ours_size, dataset), med(ref_size, dataset)
            sizes = (f"{rsz/1e6:.1f} MB", f"{osz/1e6:.1f} MB", f"{osz/rsz:.4f}")
        label = "20,000 files" if dataset == "small" else "4 x 256 MB"
        print(f"| {label} | {name} | `{ref_name}` | {r:.2f} | {mb/r:.0f} | {o:.2f} | {mb/o:.0f} | {r/o:.2f}x | {sizes[0]} | {sizes[1]} | {sizes[2]} |")
PY
rm -f "$RESULTS"
