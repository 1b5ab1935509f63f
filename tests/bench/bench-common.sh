# Sourced by every benchmark (tests/bench/*-bench.sh), so that all of them work one way:
#
# * Settings are environment variables put before the command, each with a default:
#   `RUNS=4 tests/bench/archive-bench.sh`. A benchmark lists its settings in its first comment and
#   takes no arguments (given some, it prints that comment and exits 2).
# * Data comes from tests/bench/make-data.py, the one generator.
# * Our side is the CLI as it is installed: the native executable `dotnet publish` makes.
# * Every run appends its table to tests/bench/results/NAME-DATE.md (and prints it), under a heading
#   that names the time, the settings, the commit and the load of the machine; BENCH_NOTE adds a line
#   of its own (what else ran, what changed). Figures live there and nowhere else.

BENCH_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# bench_start NAME TITLE "SETTING..." "$@": names the results file, remembers the settings for the
# heading, and refuses arguments.
bench_start() {
    BENCH_NAME=$1
    BENCH_TITLE=$2
    read -r -a BENCH_SETTINGS <<< "$3"
    shift 3
    if [ $# -gt 0 ]; then
        sed -n '2,/^[^#]/ s/^# \{0,1\}//p' "$0" >&2
        echo "$(basename "$0") takes no arguments; settings are environment variables: ${BENCH_SETTINGS[*]}" >&2
        exit 2
    fi
    BENCH_STARTED=$(date -u +%H:%M)
    BENCH_LOAD_START=$(cut -d' ' -f1 /proc/loadavg)
}

# bench_data KIND TARGET [N]: makes a data set with make-data.py unless TARGET exists.
bench_data() {
    [ -e "$2" ] || python3 "$BENCH_REPO/tests/bench/make-data.py" "$@"
}

# bench_cli DIR: publishes the native CLI into DIR and sets CLI to it.
bench_cli() {
    dotnet publish "$BENCH_REPO/src/BackupCmdlets.Cli" -c Release -o "$1" --nologo -v q >/dev/null
    CLI="$1/backupcmdlets"
}

# bench_report: appends standard input, under this run's heading, to the day's results file, and prints it.
bench_report() {
    local day file settings="" name commit
    day=$(date -u +%Y-%m-%d)
    file="$BENCH_REPO/tests/bench/results/$BENCH_NAME-$day.md"
    mkdir -p "$(dirname "$file")"
    [ -f "$file" ] || printf '# %s — %s\n' "$BENCH_TITLE" "$day" > "$file"
    for name in "${BENCH_SETTINGS[@]}"; do
        case "${!name}" in
            "") ;;
            *[[:space:]]*) settings+="$name=\"${!name}\" " ;;
            *) settings+="$name=${!name} " ;;
        esac
    done
    commit=$(git -C "$BENCH_REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
    if [ -n "$(git -C "$BENCH_REPO" status --porcelain --untracked-files=no -- src tests/bench ':!tests/bench/results' 2>/dev/null)" ]; then
        commit+=" with uncommitted changes"
    fi
    {
        printf '\n## %s-%s UTC: `%stests/bench/%s`\n\n' "$BENCH_STARTED" "$(date -u +%H:%M)" "$settings" "$(basename "$0")"
        printf 'Commit %s; %s cores; load average %s at the start, %s at the end.' \
            "$commit" "$(nproc)" "$BENCH_LOAD_START" "$(cut -d' ' -f1 /proc/loadavg)"
        [ -z "${BENCH_NOTE:-}" ] || printf ' %s' "$BENCH_NOTE"
        printf '\n\n'
        cat
    } | tee -a "$file"
}

# time_cmd LABEL SET RUN COMMAND...: runs COMMAND as a whole process after a sync (so one run's
# writeback does not bill the next) and appends "label set run milliseconds" to $RESULTS.
time_cmd() {
    local label=$1 set=$2 run=$3; shift 3
    sync
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "FAILED: $label: $*" >&2; exit 1; }
    end=$(date +%s%N)
    echo "$label $set $run $(( (end - start) / 1000000 ))" >> "$RESULTS"
}

size_of() { stat -c %s "$1"; }
