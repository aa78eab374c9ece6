# endpoints.sh: metrics.endpoints and bin_s: 0: only the selected endpoints (and the QC columns) are
# computed, stored, compared and drawn, bit for bit as in the full analysis; no time bins; a changed
# selection reruns the metrics; an unknown name is refused with the file, line and column.
expect 0 "$ZF" simulate --out s --per-group 3 --seconds 30 --fps 10 --groups control,ketamine --seed 5
expect 0 "$ZF" run s/study.yaml --out full -q
sed 's/bin_s: 60}/bin_s: 0, endpoints: [time_top_s, distance_mm, latency_top_s]}/' \
    s/study.yaml > s/sel.yaml
assert "the study has a metrics line to extend" grep -q 'endpoints: \[time_top_s' s/sel.yaml
expect 0 "$ZF" run s/sel.yaml --out sel -q
assert "metrics.csv: the selection in catalogue order, the censoring flag, the QC columns" \
    test "$(head -1 sel/metrics.csv | cut -d, -f4-)" = \
    "distance_mm,time_top_s,latency_top_s,latency_top_censored,observed_s,fraction_missing,longest_gap_s,teleports,samples_interpolated"
# the selected columns hold the full analysis' values, byte for byte
cols() { awk -F, -v want="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; n = split(want, w, " ") }
    { line = ""; for (k = 1; k <= n; k++) line = line (k > 1 ? "," : "") $(c[w[k]]); print line }' "$1"; }
want="subject distance_mm time_top_s latency_top_s latency_top_censored observed_s fraction_missing"
assert "selected values equal the full analysis'" test "$(cols sel/metrics.csv "$want")" = "$(cols full/metrics.csv "$want")"
assert "binned.csv: its header only" test "$(wc -l < sel/binned.csv)" -eq 1
assert "stats.csv: only the selected endpoints" \
    test "$(cut -d, -f1 sel/stats.csv | sed 1d | sort -u | tr '\n' ' ')" = "distance_mm latency_top_s time_top_s "
assert "figures: one per selected endpoint, no timecourse" \
    test "$(ls sel/figures | grep -c timecourse)" -eq 0 -a "$(ls sel/figures | grep -c png)" -ge 3
assert "no figure of an endpoint not selected" test ! -e sel/figures/mean_speed_mm_s.png
expect 0 "$ZF" verify sel/experiment.h5
# a changed selection reruns the metrics stage (ingest reused)
sed -i 's/endpoints: \[time_top_s, distance_mm, latency_top_s\]/endpoints: [distance_mm]/' s/sel.yaml
expect 0 "$ZF" run s/sel.yaml --out sel -v
stderr_has "run: ingest up to date, reusing"
stderr_has "run: metrics"
assert "metrics.csv: distance_mm and QC now" test "$(head -1 sel/metrics.csv | cut -d, -f4-)" = \
    "distance_mm,observed_s,fraction_missing,longest_gap_s,teleports,samples_interpolated"
if command -v h5ls >/dev/null; then
    assert "/metrics: the datasets of the former selection are gone" \
        test "$(h5ls sel/experiment.h5/metrics | cut -d' ' -f1 | tr '\n' ' ')" = \
        "distance_mm fraction_missing longest_gap_s observed_s samples_interpolated teleports "
    assert "no /binned without time bins" test -z "$(h5ls sel/experiment.h5 | grep binned)"
    # back to every endpoint with bins: /binned again, and the stale-free file has every column
    expect 0 "$ZF" run s/study.yaml --out sel -q
    assert "/binned is back" test -n "$(h5ls sel/experiment.h5 | grep binned)"
    assert "/metrics: every column again" test "$(h5ls sel/experiment.h5/metrics | wc -l)" -eq "$(h5ls full/experiment.h5/metrics | wc -l)"
    expect 0 "$ZF" verify sel/experiment.h5
fi
# unknown and inapplicable names, with the valid ones
sed 's/^metrics: {\(.*\)}$/metrics: {\1, endpoints: [distance_mm, thigmotaxis_time_s]}/' s/study.yaml > s/bad.yaml
line=$(grep -n '^metrics:' s/bad.yaml | cut -d: -f1)
col=$(grep '^metrics:' s/bad.yaml | awk '{ print index($0, "thigmotaxis_time_s") }')
expect 1 "$ZF" run s/bad.yaml --out bad
stderr_has "'s/bad.yaml':$line:$col: key 'endpoints': unknown endpoint 'thigmotaxis_time_s' for this arena; expected one of: distance_mm, mean_speed_mm_s, max_speed_mm_s"
