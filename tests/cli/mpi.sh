# mpi.sh: (ZF_MPI builds with mpirun) 'mpirun -n 3 zfstress run' gives what the serial run gives: the same
# metrics.csv, binned.csv and stats.csv byte for byte and the same dataset values (the ranks write the track
# rows with parallel HDF5); more ranks than subjects; a bad file on one rank stops every rank with that
# file's message, exit 1 and no outputs; --keep-going as serial.
export SOURCE_DATE_EPOCH=1700000000
# CI runs as root, where Open MPI's mpirun refuses to start without these
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
MPIRUN=${ZF_MPIRUN:-mpirun}
command -v "$MPIRUN" >/dev/null 2>&1 || skip "no mpirun"
par() { local n=$1; shift; "$MPIRUN" --oversubscribe -n "$n" "$@"; }

expect 0 "$ZF" simulate --out s --per-group 4 --seconds 150 --fps 30 --groups control,ketamine --seed 9
# a track of several HDF5 chunks (65536 rows), so that ranks' rows cross chunk boundaries
expect 0 "$ZF" simulate --out long --per-group 1 --seconds 2400 --fps 30 --groups control,ketamine --seed 4
cp long/tracks/control01.csv s/tracks/long01.csv
printf 'long01,control,0,tracks/long01.csv,30\n' >> s/samples.csv

# serial, then 3 ranks (oversubscribed on a small machine), each into out/ so that the recorded command is the same
expect 0 "$ZF" run s/study.yaml --out out -q
mv out serial
expect 0 par 3 "$ZF" run s/study.yaml --out out -q
mv out ranks3
for f in metrics.csv binned.csv stats.csv; do
    assert "3 ranks: $f byte-identical to the serial run" cmp -s "serial/$f" "ranks3/$f"
done
if command -v h5diff >/dev/null 2>&1; then
    for g in /tracks /metrics /binned /subjects /stats; do
        assert "3 ranks: $g datasets equal to the serial run's" h5diff -q serial/experiment.h5 ranks3/experiment.h5 "$g" "$g"
    done
fi
# the ranks wrote the track rows with parallel HDF5: the file checks out (schema, shapes, every checksum)
expect 0 "$ZF" verify ranks3/experiment.h5
stdout_has "ok: schema zfstress-experiment/1, 9 subjects"
assert "3 ranks: report.html byte-identical" cmp -s serial/report.html ranks3/report.html

# more ranks than subjects: two fish, three ranks
expect 0 "$ZF" simulate --out two --per-group 1 --seconds 60 --fps 30 --groups control,ketamine --seed 3
expect 0 "$ZF" run two/study.yaml --out two_serial -q
expect 0 par 3 "$ZF" run two/study.yaml --out two_ranks3 -q
for f in metrics.csv stats.csv; do
    assert "2 subjects on 3 ranks: $f byte-identical" cmp -s "two_serial/$f" "two_ranks3/$f"
done
if command -v h5diff >/dev/null 2>&1; then
    assert "2 subjects on 3 ranks: /tracks equal" h5diff -q two_serial/experiment.h5 two_ranks3/experiment.h5 /tracks /tracks
fi

# a bad file among the last rows (read by rank 2): every rank stops, rank 0 prints that file's message once
printf 'frame,time_s,x_mm,y_mm\n0,0.0,1,2\n1,0.1,abc,2\n' > s/tracks/ketamine03.csv
expect 1 par 3 "$ZF" run s/study.yaml --out bad -q
stderr_has "^zfstress run: 's/tracks/ketamine03.csv':3: column 3 'x_mm': expected a number, got \"abc\"$"
assert "bad file: the message is printed once" test "$(grep -c '^zfstress run:' last.err)" -eq 1
for f in experiment.h5 experiment.h5.tmp metrics.csv binned.csv stats.csv report.html figures prism; do
    assert "bad file: no $f left" test ! -e "bad/$f"
done
assert "bad file: no temporary file left" test -z "$(find bad -name '*.tmp*')"
# the same message as the serial run
expect 1 "$ZF" run s/study.yaml --out bad_serial -q
stderr_has "^zfstress run: 's/tracks/ketamine03.csv':3: column 3 'x_mm': expected a number, got \"abc\"$"

# --keep-going: the bad fish is excluded on 3 ranks as in the serial run
expect 0 "$ZF" run s/study.yaml --out kg_serial --keep-going -q
expect 0 par 3 "$ZF" run s/study.yaml --out kg_ranks3 --keep-going -q
for f in metrics.csv stats.csv; do
    assert "--keep-going on 3 ranks: $f byte-identical" cmp -s "kg_serial/$f" "kg_ranks3/$f"
done
if command -v h5diff >/dev/null 2>&1; then
    assert "--keep-going on 3 ranks: /tracks equal" h5diff -q kg_serial/experiment.h5 kg_ranks3/experiment.h5 /tracks /tracks
fi
