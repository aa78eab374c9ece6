# run_incremental.sh: 'zfstress run' reruns only what changed, says so when nothing did, --force reruns all,
# --keep-going excludes a bad track file, and every output of a run is there (prism tables, report, log).
expect 0 "$ZF" simulate --out s --per-group 3 --seconds 30 --fps 10 --groups control,ketamine --seed 5
expect 0 "$ZF" run s/study.yaml --out r -q
for f in experiment.h5 metrics.csv binned.csv stats.csv report.html zfstress.log prism/time_top_s.csv; do
    assert "run wrote r/$f" test -s "r/$f"
done
assert "prism table: one column per group" test "$(head -1 r/prism/time_top_s.csv)" = "control,ketamine"
assert "prism table: one row per fish of a group" test "$(wc -l < r/prism/time_top_s.csv)" -eq 4
sum() { find r -type f ! -name zfstress.log -print0 | sort -z | xargs -0 sha256sum | sha256sum; }
before=$(sum)

# nothing changed: no work, and it says so
expect 0 "$ZF" run s/study.yaml --out r
stderr_has "is up to date: inputs, parameters and software unchanged, nothing to do"
assert "an up-to-date run rewrote nothing" test "$(sum)" = "$before"

# a parameter of the metrics changed: ingest is reused, metrics and later stages rerun
sed -i 's/bin_s: 60/bin_s: 10/' s/study.yaml
expect 0 "$ZF" run s/study.yaml --out r -v
stderr_has "run: ingest up to date, reusing"
stderr_has "run: metrics"
assert "binned.csv now has 3 bins per fish" test "$(($(wc -l < r/binned.csv) - 1))" -eq 18

# a track file changed: ingest reruns
sed -i '3s/^1,0\.1000,\([0-9.]*\),/1,0.1000,1.000,/' s/tracks/control01.csv
expect 0 "$ZF" run s/study.yaml --out r -v
stderr_has "run: ingest$"

# --force reruns everything
expect 0 "$ZF" run s/study.yaml --out r -v --force
stderr_has "run: ingest$"
stderr_has "run: plot"
expect 2 "$ZF" ingest s/study.yaml --force
stderr_has "option '--force' is for 'zfstress run'"
expect 2 "$ZF" run s/study.yaml --jobs many
stderr_has "\-\-jobs: expected a number of threads"

# a bad track file: without --keep-going the run stops and the previous outputs stay
good=$(sum)
printf 'frame,time_s,x_mm,y_mm\n0,0,abc,1\n' > s/tracks/ketamine02.csv
expect 1 "$ZF" run s/study.yaml --out r
stderr_has "'s/tracks/ketamine02.csv':2: column 3 'x_mm': expected a number, got \"abc\""
assert "failed run left the previous outputs" test "$(sum)" = "$good"
# with --keep-going the fish is excluded, reported, and listed in the report
expect 0 "$ZF" run s/study.yaml --out r --keep-going
stderr_has "excluded subject 'ketamine02': 's/tracks/ketamine02.csv':2: column 3"
assert "5 fish left in metrics.csv" test "$(($(wc -l < r/metrics.csv) - 1))" -eq 5
assert "report lists the excluded fish" grep -q 'Excluded at ingest' r/report.html
assert "report names it" grep -q 'ketamine02' r/report.html
assert "log file records the exclusion" grep -q "excluded subject 'ketamine02'" r/zfstress.log

# figures: editing one figure redraws only that figure, and reruns neither metrics nor stats
expect 0 "$ZF" simulate --out f --per-group 3 --seconds 30 --fps 10 --groups control,ketamine --seed 6
cat >> f/study.yaml <<'FIGS'
figures:
  - {kind: box, metric: time_top_s, file: top}
  - {kind: estimation, metric: distance_mm, file: distance}
FIGS
expect 0 "$ZF" run f/study.yaml --out fr -v
stderr_has "plot: 2 figures drawn, 0 unchanged"
top_before=$(sha256sum < fr/figures/top.png)
sed -i 's/{kind: estimation, metric: distance_mm, file: distance}/{kind: estimation, metric: distance_mm, file: distance, effect: hedges_g}/' f/study.yaml
expect 0 "$ZF" run f/study.yaml --out fr -v
stderr_has "run: ingest up to date"
assert "metrics not rerun for a figure edit" test -z "$(grep -E 'run: metrics$' "$WORK/last.err")"
assert "stats not rerun for a figure edit" test -z "$(grep -E 'run: stats$' "$WORK/last.err")"
stderr_has "plot: 1 figure drawn, 1 unchanged"
assert "the unedited figure is the same file" test "$(sha256sum < fr/figures/top.png)" = "$top_before"
expect 0 "$ZF" run f/study.yaml --out fr -v --force
stderr_has "plot: 2 figures drawn, 0 unchanged"
