# e2e_demo.sh: the bundled demo study end to end: outputs, schema in h5dump and h5py, stage-by-stage
# equals run, and byte-identical reruns under SOURCE_DATE_EPOCH.
DEMO=$TESTS/../datasets/demo
export SOURCE_DATE_EPOCH=1700000000
expect 0 "$ZF" run "$DEMO/study.yaml" --out a -q
stdout_empty
for f in experiment.h5 metrics.csv binned.csv stats.csv figures/time_top_s.png figures/distance_mm.png; do
    assert "run wrote a/$f" test -s "a/$f"
done
assert "no temporaries" test -z "$(find a -name '*.tmp')"
assert "metrics.csv: 48 fish + header" test "$(wc -l < a/metrics.csv)" -eq 49
assert "metrics.csv header" test "$(head -1 a/metrics.csv | cut -d, -f1-5)" = "subject,group,dose_mg_per_l,distance_mm,mean_speed_mm_s"
assert "stats.csv header" test "$(head -1 a/stats.csv)" = "metric,contrast,procedure,n1,n2,estimate,ci_low,ci_high,statistic,df,df2,p,p_adjusted,adjust_method,note"
# 9 endpoints x 47 rows: 3 contrasts (ket2, ket20, ket40 - control) x 8 two-group procedures
# (welch_t, student_t, mann_whitney, permutation, mean_diff, median_diff, cohens_d, hedges_g)
# + 3 omnibus (anova, welch_anova, kruskal_wallis) + 6 pairs tukey_hsd + 3 dunnett + 6 pairs dunn,
# + 5 assumption checks the stats stage adds beside them (Statistics II): shapiro_wilk per level (4)
# and brown_forsythe across the levels (1): 47 rows per endpoint
assert "stats.csv rows" test "$(($(wc -l < a/stats.csv) - 1))" -eq $(($("$ZF" metrics --list | awk -F'\t' '$5 == 1 && ($3 == "any" || $3 == "side")' | wc -l) * 47))
# default figure set (no figures: in the study): an estimation plot and a time course per endpoint
# (9 x 2), trajectories.png and heatmap.png
assert "default figures: an estimation plot and a time course per endpoint, trajectories, heatmap" test "$(find a/figures -name '*.png' | wc -l)" -eq $((2 * $("$ZF" metrics --list | awk -F'\t' '$5 == 1 && ($3 == "any" || $3 == "side")' | wc -l) + 2))
for f in time_top_s_timecourse.png trajectories.png heatmap.png; do
    assert "run wrote a/figures/$f" test -s "a/figures/$f"
done
# binned: 48 fish x 5 one-minute bins
assert "binned.csv rows" test "$(($(wc -l < a/binned.csv) - 1))" -eq 240

expect 0 "$ZF" info a/experiment.h5
stdout_has '^subjects	48$'
stdout_has '^samples	144000$'
stdout_has '^groups	control \(n = 12\), ket2 \(n = 12\), ket20 \(n = 12\), ket40 \(n = 12\)$'
stdout_has '^duration_s	mean 299.900'

# the ketamine effect of the synthetic model is found: more time in the top at 40 mg/L
assert "ket40 spends more time in the top (Welch p < 0.001)" awk -F, '$1=="time_top_s" && $2=="ket40 - control" && $3=="welch_t" { ok = ($6 > 0 && $12 < 0.001) } END { exit !ok }' a/stats.csv

# schema readable by the HDF5 tools
if command -v h5dump >/dev/null; then
    expect 0 h5dump -A a/experiment.h5
    stdout_has 'zfstress-experiment/1'
    expect 0 h5dump -H a/experiment.h5
    stdout_has 'DATASET "position"'
    stdout_has 'H5T_IEEE_F32LE'
    stdout_has 'DATASET "offset"'
else
    echo "note: h5dump not installed; schema check through h5dump skipped"
fi
# the two lines of the README read one fish's track from Python
if /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
    expect 0 /usr/bin/python3 -c '
import h5py; f = h5py.File("a/experiment.h5", "r"); o = f["tracks/offset"][:]
i = 0; t, xy = f["tracks/time"][o[i]:o[i+1]], f["tracks/position"][o[i]:o[i+1]]
assert len(t) == 3000 and xy.shape == (3000, 2), (len(t), xy.shape)
assert f["subjects/subject"][0].decode() == "control01"
assert f["metrics/time_top_s"].attrs["units"] == "s"
print("h5py ok", t[1], xy[0][1])'
    stdout_has '^h5py ok 0.1 '
else
    echo "note: python3-h5py not installed; h5py check skipped"
fi

# the stages one by one give the same tables as run
expect 0 "$ZF" ingest "$DEMO/study.yaml" --out b
assert "ingest alone writes only the experiment" test ! -e b/metrics.csv
expect 0 "$ZF" metrics "$DEMO/study.yaml" --out b
expect 0 "$ZF" stats "$DEMO/study.yaml" --out b
expect 0 "$ZF" plot "$DEMO/study.yaml" --out b
assert "stage-by-stage metrics.csv equals run" cmp -s a/metrics.csv b/metrics.csv
assert "stage-by-stage stats.csv equals run" cmp -s a/stats.csv b/stats.csv
assert "stage-by-stage figure equals run" cmp -s a/figures/time_top_s.png b/figures/time_top_s.png

# deterministic: a second run (same command line, recorded as provenance) gives byte-identical outputs
mv a first
expect 0 "$ZF" run "$DEMO/study.yaml" --out a -q
for f in experiment.h5 metrics.csv binned.csv stats.csv figures/time_top_s.png; do
    assert "rerun: $f byte-identical" cmp -s "first/$f" "a/$f"
done
# stats needs the metrics stage first
expect 0 "$ZF" ingest "$DEMO/study.yaml" --out d
expect 1 "$ZF" stats "$DEMO/study.yaml" --out d
stderr_has "no dataset /metrics/distance_mm \(run 'zfstress metrics' first\)"
assert "failed stats left the experiment" test -s d/experiment.h5

# metrics --list prints the catalogue
expect 0 "$ZF" metrics --list
stdout_has '^time_top_s	s	side	top_fraction	'
stdout_has '^freezing_time_s	s	any	freeze_speed_mm_s,freeze_min_s	'
