#!/usr/bin/env bash
# bench_stats.sh: builds and runs the statistics benchmark (50 metrics x 4 groups x 12 fish, 10,000 bootstrap resamples) and prints the wall time.
# usage: scripts/bench_stats.sh [BUILD_DIR] [NBOOT]   (default build/bench, 10000; a Release build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/bench}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" --target bench_stats -j2 >/dev/null
"$build/bench_stats" "${2:-10000}"
