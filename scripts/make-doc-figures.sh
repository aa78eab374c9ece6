#!/usr/bin/env bash
# make-doc-figures.sh: run the demo study with a study file that declares one figure of each kind and copy the PNGs (150 dpi) into docs/figures/.
# Usage: scripts/make-doc-figures.sh   (BUILD=dir to use an existing build; default: build/ via scripts/build.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
if [ -z "${BUILD:-}" ]; then
    bash "$root/scripts/build.sh"
fi
zf="$build/zfstress"
[ -x "$zf" ] || { echo "make-doc-figures: no $zf" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# the demo study as it is (its samples, arena, metrics and comparison), plus plot: and figures:
grep -v -e '^samples:' -e '^output:' "$root/datasets/demo/study.yaml" > "$work/study.yaml"
cat >> "$work/study.yaml" <<YAML
samples: $root/datasets/demo/samples.csv
plot:
  dpi: 150                      # small files for the README; journals get 300 (the default) or more
  groups:
    - {name: control, label: control}
    - {name: ket2, label: "2 mg/L"}
    - {name: ket20, label: "20 mg/L"}
    - {name: ket40, label: "40 mg/L"}
  dose: {column: dose_mg_per_l, label: ketamine, unit: mg/L}
figures:
  - {kind: estimation, metric: time_top_s, file: estimation}
  - {kind: estimation, metric: time_top_s, groups: [control, ket40], file: gardner_altman}
  - {kind: box, metric: time_top_s, file: box}
  - {kind: timecourse, metric: distance_mm, file: timecourse}
  - {kind: trajectory, file: trajectory}
  - {kind: heatmap, file: heatmap}
  - {kind: doseresponse, metric: time_top_s, file: doseresponse}
  - kind: panel
    file: panel
    size: [180, 150]
    columns: 2
    cells:
      - {kind: estimation, metric: time_bottom_s}
      - {kind: timecourse, metric: time_bottom_s}
      - {kind: doseresponse, metric: distance_mm}
      - {kind: box, metric: freezing_time_s}
  # what 'zfstress run' draws for time_top_s without figures: (the README's first figure)
  - {kind: estimation, metric: time_top_s, file: time_top_s, groups: [control, ket2, ket20, ket40]}
YAML
"$zf" run "$work/study.yaml" --out "$work/out" -q
mkdir -p "$root/docs/figures"
for f in estimation gardner_altman box timecourse trajectory heatmap doseresponse panel time_top_s; do
    cp "$work/out/figures/$f.png" "$root/docs/figures/$f.png"
done
ls -l "$root/docs/figures"
