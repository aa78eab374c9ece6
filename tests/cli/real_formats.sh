# real_formats.sh: the real tracker files in ../shared/formats ingest through 'zfstress ingest' with format: auto,
# with the expected individuals, samples and detected formats; skipped (saying so) when that folder is absent.
F=$(cd "$TESTS/../.." 2>/dev/null && pwd)/shared/formats
[ -d "$F" ] || skip "../shared/formats absent: real tracker samples not checked"
cat > samples.csv <<SHEET
subject,group,file,fps
idt,control,$F/idtracker/trajectories.csv,
trex0,control,$F/trex/raw_full_export/test_fish0.csv,
trex1,control,$F/trex/raw_full_export/test_fish1.csv,
ev3,control,$F/ethovision/ethovision3_rawdata_0521_00.csv,
evcad,control,$F/ethovision/cadmium_larva_ethovision_derived.csv,
sleap,control,$F/sleap/predictions.analysis.h5,
robot,control,$F/sleap/small_robot_3_frame.analysis.h5,
danio,control,$F/dlc/deepdanio_01101.csv,1000
dlc,control,$F/dlc/dlc_testdata.csv,
madlc,control,$F/dlc/madlc_testdata.csv,
plate,control,$F/viewpoint/LPR_raw_data_CV.xls,
SHEET
printf 'samples: samples.csv\nformat: auto\npx_per_mm: 1\nfps: 30\narena: {kind: top, width_mm: 2000, height_mm: 2000}\n' > study.yaml
expect 0 "$ZF" check study.yaml
stdout_has '^ok	idt	idtracker	8 tracks, 4064 samples$'
stdout_has '^ok	trex0	trex	1 track, 500 samples$'
stdout_has '^ok	ev3	ethovision	1 track, 619 samples$'
stdout_has '^ok	evcad	ethovision	1 track, 169214 samples$'
stdout_has '^ok	sleap	sleap	2 tracks, 6000 samples$'
stdout_has '^ok	robot	sleap	1 track, 3 samples$'
stdout_has '^ok	danio	dlc	1 track, 149 samples$'
stdout_has '^ok	madlc	dlc	2 tracks, 8 samples$'
stdout_has '^ok	plate	viewpoint	192 tracks, 0 samples \(binned activity\)$'
stdout_has '^0 problems$'
expect 0 "$ZF" ingest study.yaml --out out
expect 0 "$ZF" info out/experiment.h5
# 8 idtracker fish + 2 TRex + 2 EthoVision + 3 SLEAP + 4 DLC (1 + 1 + 2) + 192 wells
stdout_has '^subjects	211$'
stdout_has '^samples	181061$'
stdout_has '^activity_bins	47037$'
if command -v h5dump >/dev/null; then
    expect 0 h5dump -d /subjects/subject out/experiment.h5
    stdout_has '"idt_1", "idt_2"'
    stdout_has '"plate_000018103_A01-1"'
    expect 0 h5dump -d /tracks/source_fps out/experiment.h5
    stdout_has '\(0\): 28, 28'
fi
# one individual picked from a multi-animal file keeps the row's subject id
printf 'subject,group,file,individual\nfish3,control,%s/idtracker/trajectories.csv,3\n' "$F" > one.csv
printf 'samples: one.csv\nformat: auto\npx_per_mm: 1\n' > one.yaml
expect 0 "$ZF" ingest one.yaml --out one
expect 0 "$ZF" info one/experiment.h5
stdout_has '^subjects	1$'
stdout_has '^samples	508$'
# the declared format must match: an idtracker file read as SLEAP fails with what was expected
printf 'subject,group,file,format\nx,control,%s/idtracker/trajectories.csv,sleap\n' "$F" > wrong.csv
printf 'samples: wrong.csv\nfps: 28\npx_per_mm: 1\n' > wrong.yaml
expect 1 "$ZF" ingest wrong.yaml --out wrong
stderr_has "trajectories.csv"
assert "no experiment after a failed ingest" test ! -e wrong/experiment.h5
# a file no reader recognises
printf '\x00\x01\x02garbage' > junk.bin
printf 'subject,group,file\nx,control,junk.bin\n' > junk.csv
printf 'samples: junk.csv\nformat: auto\n' > junk.yaml
expect 1 "$ZF" ingest junk.yaml --out junk
stderr_has "'junk.bin': matches no reader \(tried csv, .*\); set 'format' in the study or the sample sheet"
