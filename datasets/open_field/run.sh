#!/usr/bin/env bash
# run.sh: regenerate the synthetic open field (top view, thigmotaxis) study in data/ (seeded, so always the same files) and analyse it into results/.
# usage: bash datasets/open_field/run.sh [zfstress run options]   (ZFSTRESS=path/to/zfstress to use another binary)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
zf=${ZFSTRESS:-$here/../../build/zfstress}
if [ ! -f "$here/data/study.yaml" ]; then
    "$zf" simulate --out "$here/data" --test oft --groups control,ket20,ket40 --per-group 10 --seconds 300 --fps 15 --seed 2017
fi
"$zf" run "$here/data/study.yaml" --out "$here/results" "$@"
echo "open_field: results in $here/results (report.html, stats.csv, figures/)"
