#!/usr/bin/env bash
# demo.sh: install dependencies, build, and run the bundled demo study (datasets/demo) end to end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh"
"$root/build/zfstress" run "$root/datasets/demo/study.yaml" --out "$root/results/demo" -v
"$root/build/zfstress" info "$root/results/demo/experiment.h5"
echo "demo: outputs in results/demo (metrics.csv, stats.csv, figures/)"
