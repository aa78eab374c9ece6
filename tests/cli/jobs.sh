# jobs.sh: the number of threads changes nothing: runs with 1 and 3 threads give byte-identical outputs
# (experiment file included, under SOURCE_DATE_EPOCH), stage by stage too, and --jobs is checked.
export SOURCE_DATE_EPOCH=1700000000
expect 0 "$ZF" simulate --out s --per-group 4 --seconds 150 --fps 30 --groups control,ketamine --seed 9
# a longer track whose rows span several HDF5 chunks (65536 rows), and a file with a missing stretch
expect 0 "$ZF" simulate --out long --per-group 1 --seconds 2400 --fps 30 --groups control,ketamine --seed 4
cp long/tracks/control01.csv s/tracks/long01.csv
awk -F, 'NR > 1000 && NR < 1100 { $3 = "NaN"; $4 = "" } { print }' OFS=, s/tracks/ketamine02.csv > s/tracks/gap.csv
mv s/tracks/gap.csv s/tracks/ketamine02.csv
printf 'long01,control,0,tracks/long01.csv,30\n' >> s/samples.csv

# same_for_jobs STUDY DIR LABEL: run STUDY with ZF_JOBS=1 into DIR1 and with ZF_JOBS=3 into DIR3; the
# experiment file and the tables byte-identical. ZF_JOBS sets the thread count without changing the
# command line that the file records; both runs in the same directory (the file records where the
# study is).
same_for_jobs() {
    for j in 1 3; do
        (ZF_JOBS=$j "$ZF" run "$1" --out out -q) || fail "${3}run with ZF_JOBS=$j failed"
        mv out "$2$j"
    done
    for f in experiment.h5 metrics.csv binned.csv stats.csv report.html; do
        assert "${3}ZF_JOBS 1 and 3: $f byte-identical" cmp -s "${2}1/$f" "${2}3/$f"
    done
}
same_for_jobs s/study.yaml j ""
for f in j1/figures/* j1/prism/*; do
    assert "ZF_JOBS 1 and 3: ${f#j1/} byte-identical" cmp -s "$f" "j3/${f#j1/}"
done

# --jobs on the command line: every table and figure the same; the experiment differs only in the
# command line it records
expect 0 "$ZF" run s/study.yaml --out k1 --jobs 1 -q
expect 0 "$ZF" run s/study.yaml --out k3 --jobs 3 -q
for f in metrics.csv binned.csv stats.csv; do
    assert "--jobs 1 and 3: $f byte-identical" cmp -s "k1/$f" "k3/$f"
done
for f in k1/figures/*; do
    assert "--jobs 1 and 3: ${f#k1/} byte-identical" cmp -s "$f" "k3/${f#k1/}"
done
if command -v h5dump >/dev/null 2>&1; then
    for d in /tracks/time /tracks/position /tracks/offset /metrics/distance_mm /binned/distance_mm; do
        assert "--jobs 1 and 3: $d equal" cmp -s <(h5dump -d "$d" k1/experiment.h5 | tail -n +2) <(h5dump -d "$d" k3/experiment.h5 | tail -n +2)
    done
fi

# the stages one by one (ingest alone, then metrics) agree with run, whatever the threads
(ZF_JOBS=3 "$ZF" ingest s/study.yaml --out st -q && ZF_JOBS=2 "$ZF" metrics s/study.yaml --out st -q) ||
    fail "stage by stage failed"
for f in metrics.csv binned.csv; do
    assert "stage by stage: $f equals run" cmp -s "j1/$f" "st/$f"
done

# a study that selects endpoints and turns the bins off: the same for any thread count
sed 's/bin_s: 60}/bin_s: 0, endpoints: [distance_mm, time_top_s, freezing_bouts, max_speed_mm_s]}/' s/study.yaml > s/sel.yaml
same_for_jobs s/sel.yaml sel "selection: "
cols() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
    { print $(c["subject"]) "," $(c["distance_mm"]) "," $(c["max_speed_mm_s"]) "," $(c["time_top_s"]) "," $(c["freezing_bouts"]) "," $(c["fraction_missing"]) }' "$1"; }
assert "selection: the values of the full analysis, to the last digit" test "$(cols sel1/metrics.csv)" = "$(cols j1/metrics.csv)"

# a bad track file stops the run with the same message whatever the threads
printf 'frame,time_s,x_mm,y_mm\n0,0.0,1,2\n1,0.1,abc,2\n' > s/tracks/ketamine03.csv
for j in 1 3; do
    expect 1 "$ZF" run s/study.yaml --out bad$j --jobs $j -q
    stderr_has "ketamine03.csv':3: column 3 'x_mm': expected a number, got \"abc\""
done

expect 2 "$ZF" run s/study.yaml --jobs -1
stderr_has "\-\-jobs: expected a number of threads"

