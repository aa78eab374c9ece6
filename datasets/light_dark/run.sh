#!/usr/bin/env bash
# run.sh: regenerate the synthetic light/dark (top view, scototaxis) study in data/ (seeded, so always the same files) and analyse it into results/.
# usage: bash datasets/light_dark/run.sh [zfstress run options]   (ZFSTRESS=path/to/zfstress to use another binary)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
zf=${ZFSTRESS:-$here/../../build/zfstress}
if [ ! -f "$here/data/study.yaml" ]; then
    "$zf" simulate --out "$here/data" --test ldt --groups control,ket20,ket40 --per-group 10 --seconds 300 --fps 15 --seed 2013
fi
"$zf" run "$here/data/study.yaml" --out "$here/results" "$@"
echo "light_dark: results in $here/results (report.html, stats.csv, figures/)"
