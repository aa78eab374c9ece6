# datasets.sh: each bundled study runs with its one command and shows its test's ketamine effect.
for d in novel_tank light_dark open_field; do
    cp -r "$TESTS/../datasets/$d" "$d"
    rm -rf "$d/data" "$d/results"
    expect 0 env ZFSTRESS="$ZF" bash "$d/run.sh" -q
    assert "$d: stats written" test -s "$d/results/stats.csv"
    assert "$d: report written" test -s "$d/results/report.html"
done
# effect = column 6 (estimate), p = column 12; 40 mg/L against control
effect() { awk -F, -v m="$2" '$1==m && $2=="ket40 - control" && $3=="welch_t" { print ($6 > 0 ? "up" : "down"), ($12 < 0.01 ? "sig" : "ns") }' "$1/results/stats.csv"; }
assert "novel tank: more time in the top at 40 mg/L" test "$(effect novel_tank time_top_s)" = "up sig"
assert "light/dark: less time in the dark at 40 mg/L" test "$(effect light_dark zone_dark_time_s)" = "down sig"
assert "open field: less thigmotaxis at 40 mg/L" test "$(effect open_field thigmotaxis_time_s)" = "down sig"
# a rerun with the data already there does no work
expect 0 env ZFSTRESS="$ZF" bash open_field/run.sh
stderr_has "is up to date"
