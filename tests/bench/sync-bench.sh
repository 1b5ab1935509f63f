#!/usr/bin/env bash
# Invoke-DeltaSync against rsync 3, both measured in the same run, as whole processes. Each figure is
# the median of RUNS runs; the two tools alternate which goes first. Bytes written are the processes'
# write_bytes from /proc (page-cache pages dirtied, children included), the same meter for both tools.
#
#   RUNS=6 BENCH_SCALE=1 BENCH_DIR=/tmp/bkc-sync-bench tests/bench/sync-bench.sh   (the defaults)
#
# RUNS should be even, so each tool goes first as often; BENCH_SCALE=20 divides every count and size
# by 20, for a quick trial of the script. Sets (make-data.py sync, made anew every run, since the runs
# change them): 20,000 files of 0-52 KiB in 200 folders; 200,000 files of 0-2 KiB in 2,000 folders;
# one 256 MiB file of which 1 MiB changes per run. Everything runs from a warm page cache.
set -euo pipefail
. "$(dirname "$0")/bench-common.sh"
RUNS=${RUNS:-6}
BENCH_SCALE=${BENCH_SCALE:-1}
BENCH_DIR=${BENCH_DIR:-/tmp/bkc-sync-bench}
bench_start sync "Invoke-DeltaSync against rsync" "RUNS BENCH_SCALE" "$@"
ROOT=$BENCH_DIR
SCALE=$BENCH_SCALE
export LC_ALL=C

. "$BENCH_REPO/tests/bench/retire.sh"
retire "$ROOT"
mkdir -p "$ROOT"
bench_cli "$ROOT/cli"
OURS=$CLI

# --- data -----------------------------------------------------------------------------------------
bench_data sync "$ROOT/data" "$SCALE"
echo "data: small $(du -sm "$ROOT/data/small" | cut -f1) MB in $(find "$ROOT/data/small" -type f | wc -l) files;" \
     "many $(find "$ROOT/data/many" -type f | wc -l) files; big $(du -m "$ROOT/data/bigsrc/big.img" | cut -f1) MB" >&2

# --- helpers --------------------------------------------------------------------------------------
# measure LABEL COMMAND...: appends "LABEL seconds bytes-written" to $ROOT/results. Dirty pages are
# flushed first (untimed): re-dirtying a page that is still dirty would not be counted as written.
measure() {
    local label=$1
    shift
    local out
    sync
    out=$(bash -c 'start=$EPOCHREALTIME; "$@" >/dev/null 2>"'"$ROOT"'/last.err" || { echo "FAILED: $*" >&2; cat "'"$ROOT"'/last.err" >&2; exit 1; }; end=$EPOCHREALTIME
                   echo "$start $end $(awk "/^write_bytes/ {print \$2}" /proc/$$/io)"' _ "$@")
    read -r start end written <<<"$out"
    echo "$label $(python3 -c "print(f'{$end - $start:.4f}')") $written" >>"$ROOT/results"
}

# change_some TREE PERCENT SEED: rewrite the first 4 KiB of PERCENT% of the files (new contents, new time)
change_some() {
    python3 - "$1" "$2" "$3" <<'EOF'
import os, random, sys
tree, percent, seed = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(tree) for f in fs)
for path in random.Random(seed).sample(files, int(len(files) * percent / 100)):
    with open(path, "r+b") as f:
        f.write(os.urandom(min(4096, max(1, os.path.getsize(path)))))
EOF
}

# pair LABEL-RSYNC "rsync args" LABEL-OURS "our args" RUN: runs both, order alternating by run number
pair() {
    local run=$5
    if (( run % 2 == 0 )); then
        eval "measure $1 $2"
        eval "measure $3 $4"
    else
        eval "measure $3 $4"
        eval "measure $1 $2"
    fi
}

: >"$ROOT/results"
S=$ROOT/data/small M=$ROOT/data/many B=$ROOT/data/bigsrc

# --- 20,000 files: initial copy, no-change re-run, 1% changed re-run ---------------------------------
for run in $(seq 1 "$RUNS"); do
    retire "$ROOT/r-small" "$ROOT/o-small"
    sync
    pair rsync-initial-20k "rsync -a $S/ $ROOT/r-small/" ours-initial-20k "$OURS Invoke-DeltaSync --path $S --destination-path $ROOT/o-small" "$run"
    [[ $run == 1 ]] && measure cp-a-initial-20k cp -a "$S" "$ROOT/cp-small" && retire "$ROOT/cp-small"
done
for run in $(seq 1 "$RUNS"); do
    pair rsync-nochange-20k "rsync -a $S/ $ROOT/r-small/" ours-nochange-20k "$OURS Invoke-DeltaSync --path $S --destination-path $ROOT/o-small" "$run"
done
for run in $(seq 1 "$RUNS"); do
    change_some "$S" 1 "$run"
    pair rsync-1pct-20k "rsync -a $S/ $ROOT/r-small/" ours-1pct-20k "$OURS Invoke-DeltaSync --path $S --destination-path $ROOT/o-small" "$run"
done

# --- 200,000 files: re-runs ------------------------------------------------------------------------
rsync -a "$M/" "$ROOT/r-many/"
"$OURS" Invoke-DeltaSync --path "$M" --destination-path "$ROOT/o-many" >/dev/null
for run in $(seq 1 "$RUNS"); do
    pair rsync-nochange-200k "rsync -a $M/ $ROOT/r-many/" ours-nochange-200k "$OURS Invoke-DeltaSync --path $M --destination-path $ROOT/o-many" "$run"
done
for run in $(seq 1 "$RUNS"); do
    change_some "$M" 1 "$((run + 100))"
    pair rsync-1pct-200k "rsync -a $M/ $ROOT/r-many/" ours-1pct-200k "$OURS Invoke-DeltaSync --path $M --destination-path $ROOT/o-many" "$run"
done

# --- one 256 MiB file, 1 MiB changed per run ----------------------------------------------------------
for dst in r-big r-big-nwf r-big-inplace r-big-inplace-nwf o-big o-big-inplace; do
    cp -a "$B" "$ROOT/$dst"
done
for run in $(seq 1 "$RUNS"); do
    dd if=/dev/urandom of="$B/big.img" bs=1M count=1 seek=$((run * 37 % (250 / SCALE))) conv=notrunc status=none
    pair rsync-big-default "rsync -a $B/ $ROOT/r-big/" ours-big-default "$OURS Invoke-DeltaSync --path $B --destination-path $ROOT/o-big" "$run"
    pair rsync-big-inplace "rsync -a --inplace $B/ $ROOT/r-big-inplace/" ours-big-inplace "$OURS Invoke-DeltaSync --path $B --destination-path $ROOT/o-big-inplace --in-place" "$run"
    measure rsync-big-no-whole-file rsync -a --no-whole-file "$B/" "$ROOT/r-big-nwf/"
    measure rsync-big-inplace-no-whole-file rsync -a --inplace --no-whole-file "$B/" "$ROOT/r-big-inplace-nwf/"
done
for dst in r-big r-big-nwf r-big-inplace r-big-inplace-nwf o-big o-big-inplace; do
    cmp -s "$B/big.img" "$ROOT/$dst/big.img" || { echo "MISMATCH in $dst" >&2; exit 1; }
done

# --- report ---------------------------------------------------------------------------------------
python3 - "$ROOT/results" <<'EOF' | bench_report
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, seconds, written = line.split()
    rows.setdefault(label, []).append((float(seconds), int(written)))
def med(label, i=0):
    return statistics.median(r[i] for r in rows[label])
print(f"{'case':34} {'runs':>4} {'median s':>9} {'MB written':>11}")
for label in rows:
    print(f"{label:34} {len(rows[label]):>4} {med(label):>9.3f} {med(label, 1) / 1e6:>11.1f}")
print()
pairs = [("initial-20k", "rsync-initial-20k", "ours-initial-20k"),
         ("nochange-20k", "rsync-nochange-20k", "ours-nochange-20k"),
         ("1pct-20k", "rsync-1pct-20k", "ours-1pct-20k"),
         ("nochange-200k", "rsync-nochange-200k", "ours-nochange-200k"),
         ("1pct-200k", "rsync-1pct-200k", "ours-1pct-200k"),
         ("big default", "rsync-big-default", "ours-big-default"),
         ("big in place", "rsync-big-inplace", "ours-big-inplace"),
         ("big in place vs --inplace --no-whole-file", "rsync-big-inplace-no-whole-file", "ours-big-inplace")]
print("speed-up = rsync time / our time (above 1 means we are faster)")
for name, theirs, ours in pairs:
    print(f"{name:44} {med(theirs) / med(ours):5.2f}x   bytes written rsync {med(theirs, 1) / 1e6:8.1f} MB, ours {med(ours, 1) / 1e6:8.1f} MB")
print()
print("| case | rsync | s | Invoke-DeltaSync | s | speed-up | MB written rsync / ours |")
print("|---|---|--:|---|--:|--:|--:|")
for name, theirs, ours in pairs:
    print(f"| {name} | `{theirs}` | {med(theirs):.3f} | `{ours}` | {med(ours):.3f} | {med(theirs) / med(ours):.2f}x | {med(theirs, 1) / 1e6:.1f} / {med(ours, 1) / 1e6:.1f} |")
EOF
