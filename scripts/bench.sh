#!/usr/bin/env bash
# bench.sh: zfstress against the peer (pandas + h5py + scipy + matplotlib) on cohort-L: wall, CPU, peak memory and output size per stage and in total, medians of several runs.
#
# usage: scripts/bench.sh [--quick] [--runs N] [--per-group N] [--seconds S] [--fps F] [--jobs N]
#                         [--no-peer] [--keep DIR]
#   cohort-L (default): 48 fish per group x 3600 s x 30 fps, 96 files, 10.4 million samples, ~300 MB of CSV
#   --quick: 12 fish per group x 600 s (for development)
#   --per-group / --seconds: other sizes (4x fish: --per-group 192; 4x samples: --seconds 14400)
#   --jobs N: zfstress threads (default: all cores); --runs N: repetitions, medians reported (default 3)
#   ZF=path/to/zfstress (default: a Release build in build/release, made here)
#   PEER=path/to/peer_pipeline.py (default: ../shared/bench/peer_pipeline.py); run when its Debian
#   packages are installed (apt-get install python3-pandas python3-h5py python3-scipy python3-matplotlib)
#
# The cohort is written by 'zfstress simulate' (the generic CSV cohort layout the peer reads); the
# page cache is warmed before timing. zfstress does the peer's job: ingest into HDF5 (shuffle +
# deflate + checksums), the peer's seven novel-tank metrics over the whole trial (metrics.endpoints,
# no time bins), group statistics of them, one box plot per metric. Stages are timed as the
# subcommands (ingest, metrics, stats, plot: each commits the experiment file, so metrics and later
# stages include a copy and an fsync of it), the total as 'zfstress run'. The row 'full(run)' is
# 'zfstress run' of the full default analysis (every endpoint, whole trial and 60 s bins, the same
# seven box plots).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
per_group=48 seconds=3600 fps=30 runs=3 jobs=0 peer_on=1 keep=""
while [ $# -gt 0 ]; do
    case $1 in
    --quick) per_group=12 seconds=600 ;;
    --runs) runs=$2; shift ;;
    --per-group) per_group=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    --fps) fps=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    --no-peer) peer_on=0 ;;
    --keep) keep=$2; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown option '$1' (--help lists them)" >&2; exit 2 ;;
    esac
    shift
done

if [ -z "${ZF:-}" ]; then
    cmake -S "$root" -B "$root/build/release" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
    cmake --build "$root/build/release" --target zfstress -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
    ZF=$root/build/release/zfstress
fi
PEER=${PEER:-$root/../shared/bench/peer_pipeline.py}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 1; }
if [ "$peer_on" = 1 ]; then
    if [ ! -f "$PEER" ] || ! /usr/bin/python3 -c 'import pandas, h5py, scipy, matplotlib' 2>/dev/null; then
        echo "bench: peer skipped (needs $PEER and python3-pandas python3-h5py python3-scipy python3-matplotlib)" >&2
        peer_on=0
    fi
fi

work=${keep:-$(mktemp -d)}
mkdir -p "$work"
[ -n "$keep" ] || trap 'rm -rf "$work"' EXIT
cohort=$work/cohort
if [ ! -f "$cohort/samples.csv" ]; then
    "$ZF" simulate --out "$cohort" --per-group "$per_group" --seconds "$seconds" --fps "$fps" \
        --groups control,ketamine --seed 11 >/dev/null
fi
# the peer's job: its seven metrics over the whole trial, one box plot each; and the full
# default analysis (every endpoint, 60 s bins) with the same figures
for kind in peer full; do
    if [ "$kind" = peer ]; then
        sel="endpoints: [distance_mm, mean_speed_mm_s, time_top_s, top_entries, latency_top_s, freezing_time_s, freezing_bouts], bin_s: 0"
        file=$cohort/bench_study.yaml
    else
        sel="bin_s: 60"
        file=$cohort/bench_full.yaml
    fi
    cat > "$file" <<EOF
samples: samples.csv
format: csv
columns: {time: time_s, x: x_mm, y: y_mm}
units: mm
y_axis: up
fps: $fps
arena: {kind: side, width_mm: 200, height_mm: 150}
metrics: {top_fraction: 0.5, freeze_speed_mm_s: 5, freeze_min_s: 2, $sel}
compare: {factor: group, control: control}
figures:
  - {kind: box, metric: distance_mm}
  - {kind: box, metric: mean_speed_mm_s}
  - {kind: box, metric: time_top_s}
  - {kind: box, metric: top_entries}
  - {kind: box, metric: latency_top_s}
  - {kind: box, metric: freezing_time_s}
  - {kind: box, metric: freezing_bouts}
EOF
done
study=$cohort/bench_study.yaml full=$cohort/bench_full.yaml
nfiles=$(find "$cohort/tracks" -name '*.csv' | wc -l)
csv_bytes=$(find "$cohort/tracks" -name '*.csv' -printf '%s\n' | awk '{ s += $1 } END { print s }')
samples=$(( $(cat "$cohort"/tracks/*.csv | wc -l) - nfiles ))
cat "$cohort"/tracks/*.csv > /dev/null # warm the page cache

# measure NAME CMD...: one timed run; appends "NAME wall cpu maxrss_kb" to $work/times
measure() {
    local name=$1
    shift
    "$TIME" -f "%e %U %S %M" -o "$work/t.$$" "$@" >/dev/null 2>"$work/err.$$" || {
        echo "bench: '$*' failed:" >&2
        cat "$work/err.$$" >&2
        exit 1
    }
    awk -v n="$name" '{ printf "%s %s %.2f %s\n", n, $1, $2 + $3, $4 }' "$work/t.$$" >> "$work/times"
}
: > "$work/times"
: > "$work/sizes"
export ZF_JOBS=$jobs
[ "$jobs" -gt 0 ] || unset ZF_JOBS
for r in $(seq 1 "$runs"); do
    out=$work/zf_stages
    rm -rf "$out"
    measure ingest "$ZF" ingest "$study" --out "$out" -q
    measure metrics "$ZF" metrics "$study" --out "$out" -q
    measure stats "$ZF" stats "$study" --out "$out" -q
    measure plot "$ZF" plot "$study" --out "$out" -q
    rm -rf "$work/zf_run"
    measure total "$ZF" run "$study" --out "$work/zf_run" -q
    echo "zfstress $(stat -c %s "$work/zf_run/experiment.h5")" >> "$work/sizes"
    rm -rf "$work/zf_full"
    measure full "$ZF" run "$full" --out "$work/zf_full" -q
    echo "full $(stat -c %s "$work/zf_full/experiment.h5")" >> "$work/sizes"
    if [ "$peer_on" = 1 ]; then
        rm -rf "$work/peer"
        measure peer /usr/bin/python3 "$PEER" "$cohort" "$work/peer"
        echo "peer $(stat -c %s "$work/peer/experiment.h5")" >> "$work/sizes"
    fi
done

# medians per stage and the table
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$work/times" | median; }
mb=$(awk -v b="$csv_bytes" 'BEGIN { printf "%.0f", b / 1e6 }')
echo "zfstress bench: $nfiles files, $samples samples, $mb MB of CSV; $runs runs (medians); jobs ${jobs/#0/all cores}; $(nproc) cores"
printf '%-10s %9s %9s %11s %12s %10s\n' stage wall_s cpu_s peak_MB output_MB "MB/s_csv"
for st in ingest metrics stats plot total full peer; do
    [ "$st" != peer ] || [ "$peer_on" = 1 ] || continue
    w=$(col "$st" 2) c=$(col "$st" 3) m=$(col "$st" 4)
    size="" rate=""
    case $st in
    ingest) rate=$(awk -v b="$csv_bytes" -v w="$w" 'BEGIN { printf "%.0f", b / 1e6 / w }') ;;
    total) size=$(awk '$1 == "zfstress" { print $2 }' "$work/sizes" | median | awk '{ printf "%.1f", $1 / 1e6 }')
           rate=$(awk -v b="$csv_bytes" -v w="$w" 'BEGIN { printf "%.0f", b / 1e6 / w }') ;;
    full) size=$(awk '$1 == "full" { print $2 }' "$work/sizes" | median | awk '{ printf "%.1f", $1 / 1e6 }')
          rate=$(awk -v b="$csv_bytes" -v w="$w" 'BEGIN { printf "%.0f", b / 1e6 / w }') ;;
    peer) size=$(awk '$1 == "peer" { print $2 }' "$work/sizes" | median | awk '{ printf "%.1f", $1 / 1e6 }')
          rate=$(awk -v b="$csv_bytes" -v w="$w" 'BEGIN { printf "%.0f", b / 1e6 / w }') ;;
    esac
    name=$st
    [ "$st" != total ] || name="total(run)"
    [ "$st" != full ] || name="full(run)"
    printf '%-10s %9.2f %9.2f %11.1f %12s %10s\n' "$name" "$w" "$c" "$(awk -v k="$m" 'BEGIN { print k / 1024 }')" "$size" "$rate"
done
if [ "$peer_on" = 1 ]; then
    awk -v pw="$(col peer 2)" -v zw="$(col total 2)" -v pc="$(col peer 3)" -v zc="$(col total 3)" \
        'BEGIN { printf "peer / zfstress (same job): wall %.1fx, CPU %.1fx\n", pw / zw, pc / zc }'
    awk -v pw="$(col peer 2)" -v zw="$(col full 2)" -v pc="$(col peer 3)" -v zc="$(col full 3)" \
        'BEGIN { printf "peer / zfstress (full analysis): wall %.1fx, CPU %.1fx\n", pw / zw, pc / zc }'
fi
echo "load average during the bench: $(cut -d' ' -f1-3 /proc/loadavg)"
