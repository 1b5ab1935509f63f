#!/usr/bin/env bash
# bzip2 in managed code, the fallback where libbz2 is missing: SharpZipLib against SharpCompress, both
# measured in the same run by tests/bench/Bzip2Bench (one operation of one library per process, timed
# inside it from memory to memory on one thread, so neither start-up nor file I/O is counted).
#
#   RUNS=5 MEGABYTES=16 BENCH_DIR=/tmp/bkc-bzip2-bench tests/bench/bzip2-bench.sh   (the defaults)
#
# Data: make-data.py mixed, MEGABYTES of text and random bytes in turns of 1 MiB. Each run compresses
# (level 9, as New-TarArchive) and decompresses (the file `bzip2 -9` wrote) with both libraries, the
# order alternating from run to run; the figures are medians. The bzip2 tool (libbz2) is timed as a
# whole process, for scale. Before timing, the bzip2 tool judges each library: what a library
# compresses must pass `bzip2 -t` and decompress to the input, what bzip2 compressed must come out of
# the library as the input, and every truncated or bit-flipped copy must make the library fail.
set -euo pipefail
. "$(dirname "$0")/bench-common.sh"
RUNS=${RUNS:-5}
MEGABYTES=${MEGABYTES:-16}
BENCH_DIR=${BENCH_DIR:-/tmp/bkc-bzip2-bench}
bench_start bzip2 "Managed bzip2: SharpZipLib against SharpCompress" "RUNS MEGABYTES" "$@"
LIBRARIES=(SharpZipLib SharpCompress)
mkdir -p "$BENCH_DIR/out"
dotnet build "$BENCH_REPO/tests/bench/Bzip2Bench" -c Release -o "$BENCH_DIR/bin" --nologo -v q >/dev/null
BENCH=(dotnet "$BENCH_DIR/bin/Bzip2Bench.dll")
INPUT=$BENCH_DIR/mixed-$MEGABYTES.dat
bench_data mixed "$INPUT" "$MEGABYTES"
OUT=$BENCH_DIR/out
bzip2 -9 -c "$INPUT" > "$OUT/bzip2.bz2"
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT

# --- correctness, judged by the bzip2 tool -----------------------------------------------------------
# Damaged copies are made of the first 3 MB (four bzip2 blocks), so that judging them stays quick.
head -c 3000000 "$INPUT" | bzip2 -9 > "$OUT/part.bz2"
python3 - "$OUT/part.bz2" "$OUT" <<'EOF'
import random, sys
data = open(sys.argv[1], "rb").read()
rng = random.Random(13)
# Truncations anywhere, and one flipped bit each in the header, the first block and the rest.
for i, length in enumerate(sorted(rng.sample(range(1, len(data)), 8))):
    open(f"{sys.argv[2]}/cut-{i}.bz2", "wb").write(data[:length])
for i, position in enumerate([4, 10, 20, 100] + sorted(rng.sample(range(100, len(data)), 12))):
    flipped = bytearray(data)
    flipped[position] ^= 1 << rng.randrange(8)
    open(f"{sys.argv[2]}/flip-{i}.bz2", "wb").write(flipped)
EOF
declare -A judged
damaged=0
for copy in "$OUT"/cut-*.bz2 "$OUT"/flip-*.bz2; do
    if bzip2 -t "$copy" 2>/dev/null; then rm "$copy"; else damaged=$((damaged + 1)); fi   # bzip2 itself finds no fault: not a damaged copy
done
for lib in "${LIBRARIES[@]}"; do
    "${BENCH[@]}" compress "$lib" "$INPUT" "$OUT/$lib.bz2" >/dev/null
    writes=no; reads=no; fails=0
    bzip2 -t "$OUT/$lib.bz2" && bzip2 -dc "$OUT/$lib.bz2" | cmp -s - "$INPUT" && writes=yes
    "${BENCH[@]}" decompress "$lib" "$OUT/bzip2.bz2" "$OUT/$lib.out" >/dev/null && cmp -s "$OUT/$lib.out" "$INPUT" && reads=yes
    for copy in "$OUT"/cut-*.bz2 "$OUT"/flip-*.bz2; do
        if "${BENCH[@]}" decompress "$lib" "$copy" "$OUT/damaged.out" >/dev/null 2>&1; then
            echo "$lib decompressed the damaged $(basename "$copy") without an error" >&2
        else
            fails=$((fails + 1))
        fi
    done
    judged[$lib]="| $lib | $writes | $reads | $fails of $damaged |"
    [ "$writes/$reads/$fails" = "yes/yes/$damaged" ] || echo "$lib FAILED a correctness check: ${judged[$lib]}" >&2
done

# --- throughput --------------------------------------------------------------------------------------
for run in $(seq 1 "$RUNS"); do
    order=("${LIBRARIES[@]}")
    (( run % 2 )) || order=("${LIBRARIES[1]}" "${LIBRARIES[0]}")
    for lib in "${order[@]}"; do
        echo "compress $lib $run $("${BENCH[@]}" compress "$lib" "$INPUT" "$OUT/$lib.bz2")" >> "$RESULTS"
    done
    for lib in "${order[@]}"; do
        echo "decompress $lib $run $("${BENCH[@]}" decompress "$lib" "$OUT/bzip2.bz2" "$OUT/$lib.out")" >> "$RESULTS"
    done
    start=$EPOCHREALTIME; bzip2 -9 -c "$INPUT" > "$OUT/tool.bz2"; end=$EPOCHREALTIME
    echo "compress bzip2-tool $run $(python3 -c "print(f'{$end - $start:.3f}')")" >> "$RESULTS"
    start=$EPOCHREALTIME; bzip2 -dc "$OUT/bzip2.bz2" > "$OUT/tool.out"; end=$EPOCHREALTIME
    echo "decompress bzip2-tool $run $(python3 -c "print(f'{$end - $start:.3f}')")" >> "$RESULTS"
done

{
    echo "Input: $MEGABYTES MB (make-data.py mixed); level 9; one thread; medians of $RUNS runs, order alternating."
    echo
    echo "| operation | library | median s | MB/s | runs (s) | output bytes |"
    echo "|---|---|---:|---:|---|---:|"
    python3 - "$RESULTS" "$MEGABYTES" "$OUT" <<'EOF'
import collections, os, statistics, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    operation, library, run, seconds = line.split()
    rows[(operation, library)].append(float(seconds))
megabytes = float(sys.argv[2])
for operation in ("compress", "decompress"):
    for library in ("SharpZipLib", "SharpCompress", "bzip2-tool"):
        runs = rows[(operation, library)]
        median = statistics.median(runs)
        name = f"{library}.bz2" if operation == "compress" and library != "bzip2-tool" else "tool.bz2" if operation == "compress" else None
        size = os.path.getsize(os.path.join(sys.argv[3], name)) if name else ""
        label = "`bzip2 -9` / `bzip2 -d` (whole process, for scale)" if library == "bzip2-tool" else library
        print(f"| {operation} | {label} | {median:.3f} | {megabytes / median:.1f} | {' '.join(f'{r:.3f}' for r in runs)} | {size} |")
# Each run times both libraries back to back, so their ratio within a run is steadier than the medians
# when the load of the machine changes between runs.
print()
for operation in ("compress", "decompress"):
    ratios = [c / z for c, z in zip(rows[(operation, "SharpCompress")], rows[(operation, "SharpZipLib")])]
    print(f"{operation}: SharpCompress takes {statistics.median(ratios):.2f} times as long as SharpZipLib (median of the runs' ratios: {' '.join(f'{r:.2f}' for r in ratios)})")
EOF
    echo
    echo "Judged by the bzip2 tool (damaged copies: truncated or with one bit flipped, each one bzip2 -t rejects):"
    echo
    echo "| library | bzip2 reads what it writes | reads what bzip2 writes | fails on damaged copies |"
    echo "|---|---|---|---|"
    for lib in "${LIBRARIES[@]}"; do echo "${judged[$lib]}"; done
} | bench_report
