#!/usr/bin/env bash
# valgrind-demo.sh: run the demo study (datasets/demo) under valgrind memcheck: zero errors and zero
# definite leaks, or exit 1. Suppressions (tests/valgrind.supp) cover only system-library caches.
# usage: scripts/valgrind-demo.sh [ZFSTRESS_BINARY]   (default: build/zfstress, built by scripts/build.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
zf=${1:-$root/build/zfstress}
command -v valgrind >/dev/null || { echo "valgrind-demo: valgrind not found (scripts/install-deps.sh installs it)" >&2; exit 1; }
[ -x "$zf" ] || { echo "valgrind-demo: '$zf' not found: build first (scripts/build.sh)" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
log=$out/valgrind.log
status=0
valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
    --suppressions="$root/tests/valgrind.supp" --num-callers=40 --log-file="$log" \
    "$zf" run "$root/datasets/demo/study.yaml" --out "$out/demo" -q || status=$?
if [ "$status" -ne 0 ] || ! grep -q 'ERROR SUMMARY: 0 errors' "$log"; then
    cat "$log" >&2
    echo "valgrind-demo: FAILED (exit $status): memory errors or definite leaks above" >&2
    exit 1
fi
[ -s "$out/demo/experiment.h5" ] && [ -s "$out/demo/stats.csv" ] || { echo "valgrind-demo: the run wrote no results" >&2; exit 1; }
echo "valgrind-demo: demo study under memcheck: $(grep -o 'ERROR SUMMARY: [0-9]* errors' "$log"), $(grep -o 'definitely lost: [0-9,]* bytes' "$log" || echo 'definitely lost: 0 bytes')"
