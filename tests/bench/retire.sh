# Sourced by the benchmarks. The root file system here is ext4 without a journal, which does not reuse
# an inode freed in the last 30 seconds: creating 20,000 files right after deleting 20,000 others
# scans past every freed inode, and both tools measured ran 3 to 10 times slower (mostly kernel time).
# So a benchmark does not delete a tree it measured; it moves it aside (a rename) and deletes all of
# them when it ends, or calls drain_retired between rounds, which deletes them and waits that out.
RETIRED=${RETIRED:-$(mktemp -d "${TMPDIR:-/tmp}/bkc-bench-retired.XXXXXX")}
retired_count=0

retire() {
    local path
    for path in "$@"; do
        if [ -e "$path" ]; then
            retired_count=$((retired_count + 1))
            mv "$path" "$RETIRED/$retired_count"
        fi
    done
}

drain_retired() {
    if [ -n "$(ls -A "$RETIRED")" ]; then
        rm -rf "${RETIRED:?}"/*
        sync
        sleep 31
    fi
}
