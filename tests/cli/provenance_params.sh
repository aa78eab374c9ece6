# provenance_params.sh: every metric parameter (the table of docs/METRICS.md) is recorded with its value in
# /provenance metric_parameters: the values a study sets, the defaults of the others; and each metric's
# 'parameters' attribute carries the values it read.
command -v h5dump >/dev/null || skip "h5dump not installed"

# h5attr FILE OBJECT NAME: the text of a scalar string attribute
h5attr() { h5dump -a "$2/$3" "$1" | sed -n 's/^ *(0): "\(.*\)"$/\1/p'; }
# has_word TEXT WORD: TEXT, space-separated words, holds WORD
has_word() { case " $1 " in *" $2 "*) return 0 ;; *) return 1 ;; esac; }

cp -r "$TESTS/../datasets/demo" demo
rm -rf demo/results
# non-default values for a dozen parameters, of every kind (number, whole, odd, choice, schedule)
m='{top_fraction: 0.25, freeze_speed_mm_s: 7, freeze_min_s: 1.5, bin_s: 30, wall_band_mm: 15,'
m+=' teleport_speed_mm_s: 800, max_gap_s: 0.2, interpolation: steffen, move_avg_samples: 3,'
m+=' rotation_tolerance_deg: 45, smooth: {method: median, window: 7},'
m+=' light_schedule: [[0, on], [150, off]], pmr_window_s: 30}'
sed -i "s/^metrics: .*\$/metrics: $m/" demo/study.yaml
assert "study edited" grep -q 'freeze_speed_mm_s: 7' demo/study.yaml
expect 0 "$ZF" ingest demo/study.yaml --out r -q
expect 0 "$ZF" metrics demo/study.yaml --out r -q

# the parameter table of the generated docs: key and default
expect 0 "$ZF" metrics --list --markdown
awk -F' [|] ' '/^## Parameters/ { on = 1 } /^## Study file keys/ { on = 0 }
    on && /^[|] `/ { gsub(/[|` ]/, "", $1); print $1 "\t" $2 }' "$WORK/last.out" > table.tsv
assert "docs list at least 20 parameters" test "$(wc -l < table.tsv)" -ge 20

prov=$(h5attr r/experiment.h5 /provenance metric_parameters)
assert "provenance metric_parameters is there" test -n "$prov"
declare -A set_to=([top_fraction]=0.25 [bottom_fraction]=0.25 [freeze_speed_mm_s]=7 [freeze_min_s]=1.5
    [bin_s]=30 [wall_band_mm]=15 [teleport_speed_mm_s]=800 [max_gap_s]=0.2 [interpolation]=steffen
    [move_avg_samples]=3 [rotation_tolerance_deg]=45 [smooth.method]=median [smooth.window]=7
    [light_schedule]=0:on,150:off [pmr_window_s]=30)
while IFS=$'\t' read -r name def; do
    want=${set_to[$name]:-$def}
    assert "provenance records $name=$want" has_word "$prov" "$name=$want"
done < table.tsv
# nothing else besides the arena and its zones
for w in $prov; do
    case $w in arena.* | zone.*) continue ;; esac
    assert "provenance word '$w' is a documented parameter" grep -q "^${w%%=*}	" table.tsv
done

# each metric records what it read, with the study's values
p=$(h5attr r/experiment.h5 /metrics/freezing_time_s parameters)
for w in freeze_speed_mm_s=7 freeze_min_s=1.5 max_gap_s=0.2 interpolation=steffen smooth.method=median \
    smooth.window=7 teleport_speed_mm_s=800 arena.kind=side; do
    assert "freezing_time_s parameters has $w" has_word "$p" "$w"
done
p=$(h5attr r/experiment.h5 /metrics/rotations_cw parameters)
assert "rotations_cw parameters has rotation_tolerance_deg=45" has_word "$p" rotation_tolerance_deg=45
p=$(h5attr r/experiment.h5 /metrics/pmr_light_off_mm parameters)
assert "pmr_light_off_mm parameters has the schedule" has_word "$p" light_schedule=0:on,150:off
assert "pmr_light_off_mm parameters has the window" has_word "$p" pmr_window_s=30
