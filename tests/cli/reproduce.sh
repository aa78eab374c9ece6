# reproduce.sh: 'zfstress reproduce' reruns from the provenance in experiment.h5 and says whether the numbers match.
expect 0 "$ZF" simulate --out s --per-group 3 --seconds 30 --fps 10 --groups control,ketamine --seed 9
expect 0 "$ZF" run s/study.yaml --out r -q
expect 0 "$ZF" reproduce r/experiment.h5 --out again
stdout_has '^inputs	unchanged'
stdout_has '^result	reproduced: all [0-9]+ numbers \(metrics and statistics\) are identical$'
assert "the rerun wrote its own experiment" test -s again/experiment.h5
# the study file on disk is not what is reproduced: the stored text is
sed -i 's/freeze_min_s: 2/freeze_min_s: 9/' s/study.yaml
expect 0 "$ZF" reproduce r/experiment.h5 --out again2
stdout_has '^result	reproduced'
# a changed input is found and reported
sed -i '5s/^3,0\.3000,[0-9.]*,/3,0.3000,10.000,/' s/tracks/ketamine01.csv
expect 1 "$ZF" reproduce r/experiment.h5 --out again3
stdout_has '^inputs	CHANGED'
stdout_has '^result	NOT reproduced: [0-9]+ of [0-9]+ numbers differ$'
expect 1 "$ZF" reproduce s/samples.csv
stderr_has "^zfstress reproduce: 's/samples.csv': not an HDF5 file"
expect 2 "$ZF" reproduce a.h5 b.h5
