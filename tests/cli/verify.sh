# verify.sh: 'zfstress verify' passes a sound experiment file and names the dataset of every problem: damaged
# compressed chunks (checksums), broken offsets, wrong shapes, missing datasets and attributes; 'metrics' refuses
# a damaged file too.
expect 0 "$ZF" simulate --out s --per-group 2 --seconds 10 --fps 10 --groups control,ketamine --seed 5
expect 0 "$ZF" run s/study.yaml --out good -q
expect 0 "$ZF" verify good/experiment.h5
stdout_has '^good/experiment.h5: ok: schema zfstress-experiment/1, 4 subjects, 400 samples, [0-9]+ datasets read, [0-9]+ with checksums verified$'
expect 2 "$ZF" verify
stderr_has '^Usage: zfstress verify'
expect 2 "$ZF" verify a.h5 b.h5
stderr_has 'expected one experiment file'

# not an experiment file, absent file
expect 1 "$ZF" verify s/samples.csv
stderr_has "^zfstress verify: 's/samples.csv': not an HDF5 file"
expect 1 "$ZF" verify nowhere.h5
stderr_has "^zfstress verify: 'nowhere.h5': cannot open: No such file"

PY=/usr/bin/python3
$PY -c 'import h5py' 2>/dev/null || skip "python3-h5py not installed: the corruption cases need it to locate chunks"

# flip bytes inside the compressed chunk of /tracks/position: verify and metrics both refuse the file
cp good/experiment.h5 bad.h5
expect 0 $PY -c '
import h5py
with h5py.File("bad.h5", "r") as f:
    c = f["tracks/position"].id.get_chunk_info(0)
at = c.byte_offset + c.size // 2
with open("bad.h5", "r+b") as fp:
    fp.seek(at); b = fp.read(8); fp.seek(at); fp.write(bytes(x ^ 0x5A for x in b))
print("flipped", at)'
expect 1 "$ZF" verify bad.h5
stderr_has "^zfstress verify: 'bad.h5': /tracks/position: rows 0\.\.399: checksum error: a stored chunk is damaged"
stderr_has "1 problem found"
mkdir -p m && cp bad.h5 m/experiment.h5
expect 1 "$ZF" metrics s/study.yaml --out m
stderr_has "^zfstress metrics: 'm/experiment.h5': cannot read /tracks/position of subject 0 \(checksum error"
assert "a refused metrics run leaves the damaged file as it was" cmp -s bad.h5 m/experiment.h5
assert "and no temporaries" test -z "$(find m -name '*.tmp')"

# schema and shape problems, each named with its dataset
edit() { # edit NAME PYTHON: a copy of the good file changed by PYTHON (f is the open file)
    cp good/experiment.h5 "$1.h5"
    $PY -c "import h5py, numpy as np
with h5py.File('$1.h5', 'r+') as f:
    $2" || fail "h5py edit $1"
}
edit off_dec 'f["tracks/offset"][2] = 10'
expect 1 "$ZF" verify off_dec.h5
stderr_has "/tracks/offset: decreases at subject 1 \(10 after 100\)"
edit off_end 'f["tracks/offset"][4] = 399'
expect 1 "$ZF" verify off_end.h5
stderr_has "/tracks/offset: ends at 399, expected 400 \(the number of rows\)"
edit off_start 'f["tracks/offset"][0] = 1'
expect 1 "$ZF" verify off_start.h5
stderr_has "/tracks/offset: starts at 1, expected 0"
edit no_time 'del f["tracks/time"]'
expect 1 "$ZF" verify no_time.h5
stderr_has "/tracks/time: missing \(required by schema zfstress-experiment/1\)"
edit short_metric 'd = f["metrics/distance_mm"]; a = dict(d.attrs); del f["metrics/distance_mm"]; n = f.create_dataset("metrics/distance_mm", data=np.zeros(3)); [n.attrs.__setitem__(k, v) for k, v in a.items()]'
expect 1 "$ZF" verify short_metric.h5
stderr_has "/metrics/distance_mm: 3 rows, expected 4 \(one per subject\)"
edit short_subject 'del f["subjects/group"]; f.create_dataset("subjects/group", data=[b"control"] * 5)'
expect 1 "$ZF" verify short_subject.h5
stderr_has "/subjects/group: 5 rows, expected 4 \(one per subject\)"
edit schema 'f.attrs["schema"] = "zfstress-experiment/0"'
expect 1 "$ZF" verify schema.h5
stderr_has "/: attribute 'schema' is 'zfstress-experiment/0', expected 'zfstress-experiment/1'"
edit binned 'del f["binned/bin_start"]'
expect 1 "$ZF" verify binned.h5
stderr_has "/binned/distance_mm: /binned/bin_start is missing"
edit no_units 'del f["metrics/time_top_s"].attrs["units"]'
expect 1 "$ZF" verify no_units.h5
stderr_has "/metrics/time_top_s: attribute 'units': missing"
# a truncated file (a copy cut short, as a full disk or a killed copy leaves it)
head -c 20000 good/experiment.h5 > cut.h5
expect 1 "$ZF" verify cut.h5
stderr_has "^zfstress verify: 'cut.h5': "
