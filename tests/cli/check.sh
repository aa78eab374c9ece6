# check.sh: 'zfstress check' validates a study and its inputs without writing anything and lists every problem.
cp -r "$TESTS/../datasets/demo" demo
rm -rf demo/results
touch before_check
sleep 1
expect 0 "$ZF" check demo/study.yaml
stdout_has '^ok	control01	csv	1 track, 3000 samples$'
stdout_has '^total	48 rows, 48 tracks, 144000 samples, 0 activity bins$'
stdout_has '^0 problems$'
assert "check wrote nothing" test -z "$(find demo -newer before_check)"
assert "check made no results directory" test ! -e demo/results

# three problems at once: a missing file, a bad fps cell, a duplicate id
rm demo/tracks/ket2_03.csv
sed -i '5s/,10$/,fast/' demo/samples.csv
sed -i '7s/^control06,/control05,/' demo/samples.csv
expect 1 "$ZF" check demo/study.yaml
stdout_has "^problem: 'demo/samples.csv':16: column 4 'file': 'demo/tracks/ket2_03.csv': cannot be read$"
stdout_has "^problem: 'demo/samples.csv':5: column 5 'fps': expected a number between 1e-09 and 1e\+09, got \"fast\"$"
stdout_has "^problem: 'demo/samples.csv':7: column 1 'subject': duplicate subject id 'control05' \(first on line 6\)$"
stdout_has '^3 problems$'

# a broken study file is one problem
printf 'sampels: samples.csv\n' > demo/bad.yaml
expect 1 "$ZF" check demo/bad.yaml
stdout_has "^problem: 'demo/bad.yaml':1:1: unknown key 'sampels'"
expect 2 "$ZF" check
expect 2 "$ZF" check a.yaml b.yaml

# the design's columns must exist: a factorial factor and a dose column
cp -r "$TESTS/../datasets/demo" demo2
rm -rf demo2/results
printf 'compare: {factor: group, control: control, factors: [group, stressor], dose: dose_mg_l}\n' >> demo2/study.yaml
sed -i '/^compare: {factor: group, control: control}$/d' demo2/study.yaml
expect 1 "$ZF" check demo2/study.yaml
stdout_has "^problem: 'demo2/samples.csv':1: expected a column 'stressor' \\(compare.factors in 'demo2/study.yaml'\\)$"
stdout_has "^problem: 'demo2/samples.csv':1: expected a column 'dose_mg_l' \\(compare.dose in 'demo2/study.yaml'\\)$"
stdout_has '^2 problems$'
