#!/usr/bin/env bash
# run.sh: build a synthetic stressor x drug novel-tank study (2 x 2, 8 fish per cell) in data/ from two seeded `zfstress simulate` runs and analyse it (factorial and split-plot ANOVA) into results/.
# usage: bash datasets/stress_drug/run.sh [zfstress run options]   (ZFSTRESS=path/to/zfstress to use another binary)
#
# Synthetic, not real fish. Each run simulates vehicle (control) and ketamine
# (20 mg/L) fish; the "stress" run's tracks are then pressed towards the tank
# floor (y scaled by 0.6), a transparent stand-in for stress-induced bottom
# dwelling, so the design has a stressor effect on the depth endpoints and a drug
# effect from the simulation.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
zf=${ZFSTRESS:-$here/../../build/zfstress}
if [ ! -f "$here/data/study.yaml" ]; then
    tmp="$here/data.tmp"
    rm -rf "$tmp"
    "$zf" simulate --out "$tmp/none" --groups control,ket20 --per-group 8 --seconds 300 --fps 10 --seed 2101 >/dev/null
    "$zf" simulate --out "$tmp/stress" --groups control,ket20 --per-group 8 --seconds 300 --fps 10 --seed 2102 >/dev/null
    mkdir -p "$tmp/tracks"
    for f in "$tmp"/none/tracks/*.csv; do
        cp "$f" "$tmp/tracks/none_$(basename "$f")"
    done
    for f in "$tmp"/stress/tracks/*.csv; do
        awk -F, 'BEGIN { OFS = "," } NR == 1 || $4 == "" { print; next } { $4 = sprintf("%.3f", $4 * 0.6); print }' \
            "$f" > "$tmp/tracks/stress_$(basename "$f")"
    done
    # one sample sheet: stressor and drug columns, and a group per cell for the one-factor comparisons
    {
        echo "subject,stressor,drug,group,dose_mg_per_l,file,fps"
        for s in none stress; do
            tail -n +2 "$tmp/$s/samples.csv" | while IFS=, read -r subject group dose file fps; do
                drug=$([ "$group" = control ] && echo vehicle || echo ketamine)
                echo "${s}_$subject,$s,$drug,$s.$drug,$dose,tracks/${s}_$subject.csv,$fps"
            done
        done
    } > "$tmp/samples.csv"
    cat > "$tmp/study.yaml" <<'YAML'
# Synthetic stressor x drug study built by datasets/stress_drug/run.sh (synthetic data, not real fish).
samples: samples.csv
format: csv
columns: {time: time_s, x: x_mm, y: y_mm}
units: mm
y_axis: up
fps: 10
arena: {kind: side, width_mm: 200, height_mm: 150}
metrics: {top_fraction: 0.5, freeze_speed_mm_s: 5, freeze_min_s: 2, bin_s: 60}
# every cell against none.vehicle; the 2 x 2 factorial; cell x time bin over the 5 minutes
compare: {factor: group, control: none.vehicle, factors: [stressor, drug], repeated: bin}
output: results
YAML
    rm -rf "$tmp/none" "$tmp/stress"
    mv "$tmp" "$here/data"
fi
"$zf" run "$here/data/study.yaml" --out "$here/results" "$@"
echo "stress_drug: results in $here/results (report.html, stats.csv: anova_type2/3, emmeans, pairwise_t, mixed_anova ...)"
