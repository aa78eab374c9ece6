# errors.sh: bad input exits 1 naming file, line, column and what was expected; nothing is half-written
# and an earlier good output is never damaged.
expect 0 "$ZF" simulate --out s --per-group 2 --seconds 10 --fps 10 --groups control,ketamine --seed 3
expect 0 "$ZF" run s/study.yaml --out good -q
good_sum=$(cat good/experiment.h5 good/metrics.csv good/stats.csv | sha256sum)

# fresh copy of the valid study in directory $1
fresh() { rm -rf "$1"; cp -r s "$1"; }
# the outputs of a failed run: no experiment, no temporaries
nothing_written() {
    assert "no experiment.h5 in $1" test ! -e "$1/experiment.h5"
    assert "no temporaries in $1" test -z "$(find "$1" -name '*.tmp' 2>/dev/null)"
}

# missing track file
fresh b1
rm b1/tracks/ketamine02.csv
expect 1 "$ZF" run b1/study.yaml --out b1/out
stderr_has "^zfstress run: 'b1/samples.csv':5: column 4 'file': 'b1/tracks/ketamine02.csv': cannot open: No such file"
nothing_written b1/out

# unknown column in the study's column mapping
fresh b2
sed -i 's/x: x_mm/x: X_center/' b2/study.yaml
expect 1 "$ZF" run b2/study.yaml --out b2/out
stderr_has "'b2/tracks/control01.csv':1: expected a column 'X_center' \\(x position\\), found columns 'frame', 'time_s', 'x_mm', 'y_mm'"
nothing_written b2/out

# non-numeric cell (decimal comma)
fresh b3
sed -i '7s/^\([0-9]*\),\([0-9.]*\),\([0-9]*\)\.\([0-9]*\),/\1,\2,"\3,\4",/' b3/tracks/control02.csv
expect 1 "$ZF" run b3/study.yaml --out b3/out
stderr_has "'b3/tracks/control02.csv':7: column 3 'x_mm': expected a number, got \"[0-9]+,[0-9]+\" \(decimal comma"
nothing_written b3/out

# empty track (header only)
fresh b4
head -1 s/tracks/ketamine01.csv > b4/tracks/ketamine01.csv
expect 1 "$ZF" run b4/study.yaml --out b4/out
stderr_has "'b4/tracks/ketamine01.csv': empty track: expected at least 2 samples, got 0"
nothing_written b4/out

# duplicate subject id
fresh b5
sed -i '3s/^control02,/control01,/' b5/samples.csv
expect 1 "$ZF" run b5/study.yaml --out b5/out
stderr_has "'b5/samples.csv':3: column 1 'subject': duplicate subject id 'control01' \(first on line 2\)"
nothing_written b5/out

# unknown key in study.yaml
fresh b6
printf 'metrcs: {bin_s: 30}\n' >> b6/study.yaml
expect 1 "$ZF" run b6/study.yaml --out b6/out
stderr_has "'b6/study.yaml':12:1: unknown key 'metrcs'; expected one of: samples, format"
nothing_written b6/out

# wrong type in study.yaml, nested
fresh b7
sed -i 's/freeze_min_s: 2/freeze_min_s: two/' b7/study.yaml
expect 1 "$ZF" run b7/study.yaml --out b7/out
stderr_has "'b7/study.yaml':9:[0-9]+: key 'freeze_min_s': expected a number, got \"two\""

# control level missing
fresh b8
sed -i 's/control: control/control: vehicle/' b8/study.yaml
expect 1 "$ZF" run b8/study.yaml --out b8/out
stderr_has "column 'group': expected the control level 'vehicle'"

# time going backwards
fresh b9
sed -i '6s/^4,0\.4000,/4,0.1000,/' b9/tracks/control01.csv
expect 1 "$ZF" run b9/study.yaml --out b9/out
stderr_has "'b9/tracks/control01.csv':6: column 2 'time_s': time goes backwards"

# missing study file, not an experiment file
expect 1 "$ZF" run nowhere/study.yaml
stderr_has "^zfstress run: 'nowhere/study.yaml': cannot open: No such file or directory"
expect 1 "$ZF" info s/samples.csv
stderr_has "'s/samples.csv': not an HDF5 file"

# a failed run over a good output leaves the good output exactly as it was
rm s/tracks/control01.csv
expect 1 "$ZF" run s/study.yaml --out good
assert "previous outputs intact after a failed run" test "$(cat good/experiment.h5 good/metrics.csv good/stats.csv | sha256sum)" = "$good_sum"
assert "no temporaries left in good/" test -z "$(find good -name '*.tmp')"
