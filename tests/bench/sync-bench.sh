#!/usr/bin/env bash
# Invoke-DeltaSync against rsync 3, both measured in the same run, as whole processes (our CLI pays
# the .NET start-up every time). Each figure is the median of RUNS runs; the two tools alternate
# which goes first. Bytes written are the processes' write_bytes from /proc (page-cache pages
# dirtied, children included), the same meter for both tools.
#
#   tests/bench/sync-bench.sh [runs]        (default 6, an even number so each tool goes first as often;
#                                            data under $BENCH_DIR, default /tmp/bkc-sync-bench;
#                                            BENCH_SCALE=20 divides every size by 20 for a quick trial of the script)
#
# Sets: 20,000 files of 0-52 KiB (about 533 MB) in 200 folders; 200,000 files of 0-2 KiB in 2,000
# folders; one 256 MiB file of which 1 MiB changes per run. Everything runs from a warm page cache.
set -euo pipefail

RUNS=${1:-6}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
ROOT=${BENCH_DIR:-/tmp/bkc-sync-bench}
SCALE=${BENCH_SCALE:-1}
export LC_ALL=C

. "$REPO/tests/bench/retire.sh"
retire "$ROOT"
mkdir -p "$ROOT"
# The CLI as it is installed: the native executable dotnet publish makes (no start-up or JIT cost).
dotnet publish "$REPO/src/BackupCmdlets.Cli" -c Release \
    -o "$ROOT/cli" -v quiet -nologo >/dev/null
OURS="$ROOT/cli/backupcmdlets"

# --- data -----------------------------------------------------------------------------------------
python3 - "$ROOT" "$SCALE" <<'EOF'
import os, random, sys
root, scale = sys.argv[1], int(sys.argv[2])
rnd = random.Random(42)
blob = os.urandom(64 << 20)
def data(n):
    start = rnd.randrange(0, len(blob) - n)
    return blob[start:start + n]
def tree(name, files, per_folder, max_size, nested):
    for i in range(files):
        folder = i // per_folder
        path = os.path.join(root, name, f"g{folder // 100:02d}" if nested else "", f"d{folder:04d}")
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, f"f{i:06d}.dat"), "wb") as f:
            f.write(data(rnd.randint(0, max_size)))
tree("small", 20000 // scale, 100, 53300, False)
tree("many", 200000 // scale, 100, 2048, True)
with open(os.path.join(root, "big.img"), "wb") as f:
    for _ in range(4):
        f.write(blob[:len(blob) // scale])
EOF
mkdir -p "$ROOT/bigsrc" && mv "$ROOT/big.img" "$ROOT/bigsrc/"
echo "data: small $(du -sm "$ROOT/small" | cut -f1) MB in $(find "$ROOT/small" -type f | wc -l) files;" \
     "many $(find "$ROOT/many" -type f | wc -l) files; big $(du -m "$ROOT/bigsrc/big.img" | cut -f1) MB"

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
S=$ROOT/small M=$ROOT/many B=$ROOT/bigsrc

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
python3 - "$ROOT/results" <<'EOF'
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
