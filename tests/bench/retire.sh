# Sourced by the benchmarks. The root file system here is ext4 without a journal, which will not reuse
# an inode freed in the last minute (six minutes while the inode's table block is being written to):
# creating 20,000 files soon after deleting 20,000 others scans past every freed inode, and every tool
# measured slowed down, all of it kernel time. So a benchmark deletes nothing while it
# measures: a tree it is done with is moved aside (a rename) and all of them are deleted at the end.
# Start a benchmark when nothing large was deleted in the last six minutes.
RETIRED=$(mktemp -d "${TMPDIR:-/tmp}/bkc-bench-retired.XXXXXX")
retired_count=0
trap 'rm -rf "$RETIRED"' EXIT

retire() {
    local path
    for path in "$@"; do
        if [ -e "$path" ]; then
            retired_count=$((retired_count + 1))
            mv "$path" "$RETIRED/$retired_count"
        fi
    done
}
