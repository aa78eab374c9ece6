#!/usr/bin/env bash
# bench_plot.sh: time to render one figure of each kind at 300 dpi (demo-sized data), and 'zfstress plot' of the demo study's default figures.
# Usage: scripts/bench_plot.sh [REPS]   (BUILD=dir to use an existing build; default: build/ via scripts/build.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
reps=${1:-20}
build=${BUILD:-$root/build}
if [ -z "${BUILD:-}" ]; then
    bash "$root/scripts/build.sh"
fi
bench="$build/tests/test_plot_figures"
zf="$build/zfstress"
[ -x "$bench" ] && [ -x "$zf" ] || { echo "bench_plot: no $bench or $zf (build with tests)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== one figure per kind, in process (tests/unit/test_plot_figures.c --bench)"
ZF_TMP="$work" "$bench" --bench "$reps"

echo "== zfstress plot on the demo study (default set: reads the HDF5 file, draws every figure)"
"$zf" run "$root/datasets/demo/study.yaml" --out "$work/demo" -q
n=$(find "$work/demo/figures" -name '*.png' | wc -l)
start=$(date +%s%N)
"$zf" plot "$root/datasets/demo/study.yaml" --out "$work/demo" -q
end=$(date +%s%N)
awk -v ns=$((end - start)) -v n="$n" 'BEGIN { printf "%d figures in %.0f ms: %.1f ms per figure (300 dpi, PNG written and fsynced)\n", n, ns / 1e6, ns / 1e6 / n }'
