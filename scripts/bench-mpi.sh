#!/usr/bin/env bash
# bench-mpi.sh: wall time of 'zfstress run' serially and under mpirun with 1, 2, 3 and 4 ranks (medians of
# several runs), for the README's scaling table. Needs a ZF_MPI build (build-mpi/, scripts/test-mpi.sh makes it).
#
# usage: scripts/bench-mpi.sh [--runs N] [--jobs N] [--ranks "1 2 3 4"] STUDY.yaml
#   --jobs N: threads per rank (default 1, so that ranks alone are measured; 0: every core)
#   ZF=path/to/zfstress (default build-mpi/zfstress); MPIRUN (default mpirun)
# Cohort-L as in docs/PERFORMANCE.md: zfstress simulate --out DIR --per-group 48 --seconds 3600 --groups control,ketamine
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=3 jobs=1 ranks="1 2 3 4" study=""
while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    --ranks) ranks=$2; shift ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bench-mpi: unknown option '$1' (--help lists them)" >&2; exit 2 ;;
    *) study=$1 ;;
    esac
    shift
done
[ -n "$study" ] || { echo "bench-mpi: expected a study file (--help)" >&2; exit 2; }
ZF=${ZF:-$root/build-mpi/zfstress}
MPIRUN=${MPIRUN:-mpirun}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# median wall seconds of $runs runs of "$@" (every run does every stage: --force)
median() {
    local t=()
    for _ in $(seq "$runs"); do
        local s e
        s=$(date +%s.%N)
        "$@" >/dev/null 2>"$out/err" || { cat "$out/err" >&2; exit 1; }
        e=$(date +%s.%N)
        t+=("$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.2f", b - a }')")
    done
    printf '%s\n' "${t[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}

cat "$study" >/dev/null
"$ZF" run "$study" --out "$out/r" --jobs "$jobs" -q # warm the page cache
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, --jobs $jobs per rank"
echo "| run | ranks | wall s (median of $runs) | speed-up |"
echo "|---|---|---|---|"
base=$(median "$ZF" run "$study" --out "$out/r" --jobs "$jobs" --force -q)
echo "| serial (no mpirun) | 1 | $base | 1.00 |"
for n in $ranks; do
    w=$(median "$MPIRUN" --oversubscribe -n "$n" "$ZF" run "$study" --out "$out/r" --jobs "$jobs" --force -q)
    over=""
    [ "$n" -le "$(nproc)" ] || over=" (oversubscribed)"
    echo "| mpirun -n $n$over | $n | $w | $(awk -v a="$base" -v b="$w" 'BEGIN { printf "%.2f", a / b }') |"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
