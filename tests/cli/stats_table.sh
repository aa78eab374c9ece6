# stats_table.sh: 'zfstress stats --table': a tidy CSV in, the tidy results table out; column choice, options, error messages and exit codes.
HEADER="metric,contrast,procedure,n1,n2,estimate,ci_low,ci_high,statistic,df,df2,p,p_adjusted,adjust_method,note"
# one row per fish: id, factor, a text column, two metrics; one missing value
cat > m.csv <<'EOF'
subject,group,dose,speed,dist
f01,control,none,10.1,100
f02,control,none,11.3,120
f03,control,none,9.8,95
f04,control,none,10.6,NA
f05,low,low,12.0,130
f06,low,low,12.9,128
f07,low,low,11.7,140
f08,low,low,13.1,150
f09,high,high,14.2,160
f10,high,high,15.0,171
f11,high,high,13.8,158
f12,high,high,15.5,180
EOF
rows() { echo $(($(wc -l < "$1") - 1)); }

# every numeric column (not subject, not the text column dose): 2 metrics x 27 rows
# (3 levels: 2 contrasts x 8 two-group procedures + 3 omnibus + 3 tukey_hsd + 2 dunnett + 3 dunn)
expect 0 "$ZF" stats --table m.csv --factor group --control control --out s.csv
stdout_empty
assert "header" test "$(head -1 s.csv)" = "$HEADER"
assert "54 rows" test "$(rows s.csv)" -eq 54
assert "no dose rows" test -z "$(grep -E '^(dose|subject),' s.csv)"
assert "control first: low - control" grep -q '^speed,low - control,welch_t,4,4,' s.csv
assert "tukey between treatments" grep -q '^speed,high - low,tukey_hsd,4,4,' s.csv
assert "dunnett single-step" grep -qE '^dist,high - control,dunnett,4,3,.*,single-step,1 missing value dropped$' s.csv
assert "omnibus anova df 2 and 9" grep -qE '^speed,omnibus,anova,12,0,[0-9.e+-]+,,,[0-9.e+-]+,2,9,' s.csv
assert "holm by default" grep -qE '^speed,high - control,mann_whitney,.*,holm,exact$' s.csv
assert "exact permutation (70 splits)" grep -qE '^speed,high - control,permutation,4,4,.*,holm,"exact, 70 splits"$' s.csv
assert "the high group is faster (Welch p < 0.01)" awk -F, '$1=="speed" && $2=="high - control" && $3=="welch_t" { ok = ($6 > 3 && $12 < 0.01) } END { exit !ok }' s.csv

# deterministic for a seed; the seed matters for the bootstrap CIs
expect 0 "$ZF" stats --table m.csv --out s2.csv
assert "defaults: factor group, control control; same output" cmp -s s.csv s2.csv
expect 0 "$ZF" stats --table=m.csv --out s3.csv --seed 7 --bootstrap 2000
assert "another seed, other CIs" test "$(grep ',hedges_g,' s.csv)" != "$(grep ',hedges_g,' s3.csv)"

# --metrics, --adjust, --exact-ties
expect 0 "$ZF" stats --table m.csv --metrics dist --adjust BH --out d.csv -q
assert "only dist" test "$(cut -d, -f1 d.csv | sort -u | tr '\n' ' ')" = "dist metric "
assert "27 rows" test "$(rows d.csv)" -eq 27
assert "BH" grep -qE '^dist,low - control,welch_t,.*,BH,' d.csv
assert "dunn adjusted by BH too" grep -qE '^dist,high - low,dunn,.*,BH,' d.csv
expect 0 "$ZF" stats --table m.csv --metrics speed,dist --adjust holm-sidak --exact-ties --out e.csv
assert "holm-sidak" grep -qE '^speed,low - control,student_t,.*,holm-sidak,' e.csv

# data errors: exit 1 naming file, line, column
sed '4s/9.8/fast/' m.csv > bad.csv
expect 1 "$ZF" stats --table bad.csv --out x.csv
stderr_has "^zfstress stats: 'bad.csv':4: column 4 'speed': expected a number, got \"fast\"$"
assert "no output on error" test ! -e x.csv
sed '8s/140/1,4/' m.csv | sed '8s/^f07,low,low,11.7,1,4$/f07,low,low,11.7,"1,4"/' > bad2.csv
expect 1 "$ZF" stats --table bad2.csv --metrics dist --out x.csv
stderr_has "'bad2.csv':8: column 5 'dist': expected a number, got \"1,4\""
expect 1 "$ZF" stats --table m.csv --metrics speed,nope --out x.csv
stderr_has "'m.csv':1: no column 'nope'; columns: 'subject', 'group', 'dose', 'speed', 'dist'"
expect 1 "$ZF" stats --table m.csv --factor treatment --out x.csv
stderr_has "'m.csv':1: no column 'treatment' \(the factor\)"
expect 1 "$ZF" stats --table m.csv --control vehicle --out x.csv
stderr_has "column 'speed': control level 'vehicle' not found; levels found: 'control', 'low', 'high'"
expect 1 "$ZF" stats --table nowhere.csv --out x.csv
stderr_has "'nowhere.csv'"
assert "no output after data errors" test ! -e x.csv

# usage errors: exit 2
expect 2 "$ZF" stats --table m.csv
stderr_has "needs --out FILE"
expect 2 "$ZF" stats --table m.csv --out x.csv --adjust tukey
stderr_has "unknown --adjust 'tukey'"
expect 2 "$ZF" stats --table m.csv --out x.csv --seed -3
stderr_has "\-\-seed: expected a nonnegative integer"
expect 2 "$ZF" stats --table m.csv --out x.csv --bootstrap many
expect 2 "$ZF" stats --table m.csv --out x.csv --frobnicate
stderr_has "unknown option or missing value: '--frobnicate'"
expect 2 "$ZF" stats --table m.csv --out x.csv extra.csv
stderr_has "unexpected argument 'extra.csv'"
expect 2 "$ZF" stats --table m.csv --out x.csv --metrics speed,,dist
assert "no output after usage errors" test ! -e x.csv

# help: both forms, the live defaults
expect 0 "$ZF" stats --help
stdout_has '^Usage: zfstress stats STUDY.yaml'
stdout_has '^Usage: zfstress stats --table METRICS.csv --out STATS.csv'
stdout_has 'bootstrap resamples for the BCa CIs \(default: 5000\)'
stdout_has 'random splits of the permutation test \(default: 10000\)'
stdout_has '\(default: holm\)'
stdout_has 'seed of the bootstrap and the permutations \(default: 20110901\)'
expect 2 "$ZF" stats
stderr_has '^Usage: zfstress stats'
