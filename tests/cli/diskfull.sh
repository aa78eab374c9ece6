# diskfull.sh: a full disk and a read-only output directory give a clear error (exit 1, naming the file) and
# leave the earlier outputs whole: every file is byte for byte the earlier run's or the new run's, no
# temporary is left, and a rerun with space completes with the reference results. Full disk: RLIMIT_FSIZE
# (ulimit -f, SIGXFSZ ignored so that writes fail with EFBIG) at three sizes, and a small tmpfs mounted over
# the output directory (ENOSPC); read only: a read-only bind mount. The mounts need root and a private mount
# namespace (unshare -m); where that is refused, those two cases are skipped with a note (as root, chmod
# cannot make a directory read-only).
export SOURCE_DATE_EPOCH=1700000000
expect 0 "$ZF" simulate --out s --per-group 3 --seconds 10 --fps 10 --groups control,ketamine --seed 4 -q
cp s/study.yaml study_a.yaml
sed 's/bin_s: 60/bin_s: 30/' study_a.yaml > study_b.yaml
snapshot() { (cd "$1" && find . -type f ! -name zfstress.log ! -name '*.tmp' -print0 | sort -z | xargs -0 -r sha256sum); }
# the reference outputs of both versions of the study (same --out: the command line is provenance)
cp study_b.yaml s/study.yaml
expect 0 "$ZF" run s/study.yaml --out out -q --force
snapshot out > b.sums
cp study_a.yaml s/study.yaml
expect 0 "$ZF" run s/study.yaml --out out -q --force
snapshot out > a.sums
rm -rf ref_a && cp -a out ref_a
# whole DIR: every file in DIR is exactly run a's or run b's version, the main outputs are there, no temporaries
whole() {
    snapshot "$1" > now.sums
    while read -r sum file; do
        grep -qF "$sum  $file" a.sums || grep -qF "$sum  $file" b.sums || { echo "damaged: $file" >&2; return 1; }
    done < now.sums
    for f in experiment.h5 metrics.csv stats.csv; do [ -s "$1/$f" ] || { echo "missing: $f" >&2; return 1; }; done
    [ -z "$(find "$1" -name '*.tmp')" ] || { echo "temporaries left: $(find "$1" -name '*.tmp')" >&2; return 1; }
}
cp study_b.yaml s/study.yaml # the runs below would rewrite every output

# full disk as a file-size limit, hit early (experiment.h5), in the figures, and in report.html
for kb in 64 400 2000; do
    rm -rf out && cp -a ref_a out
    expect 1 bash -c 'trap "" XFSZ; ulimit -f "$1"; exec "$0" run s/study.yaml --out out -q --force' "$ZF" "$kb"
    stderr_has "^zfstress run: .*'out/[^']+'.*(File too large|disk full|Write Error)"
    assert "limit ${kb} KiB: earlier outputs whole" whole out
    assert "limit ${kb} KiB: zfstress verify passes on the experiment left in place" "$ZF" verify out/experiment.h5
done
expect 0 "$ZF" run s/study.yaml --out out -q --force
assert "with space again, the rerun gives the reference outputs" diff <(snapshot out) b.sums

if unshare -m bash -c 'mkdir -p m && mount -t tmpfs -o size=64k tmpfs m' 2>/dev/null; then
    # a tmpfs just larger than the earlier outputs, mounted over the output directory
    rm -rf out && cp -a ref_a out
    kb=$(( $(du -sk ref_a | cut -f1) + 256 ))
    expect 1 unshare -m bash -c 'mount -t tmpfs -o size="$1"k tmpfs out && cp -a ref_a/. out/ &&
        { "$0" run s/study.yaml --out out -q --force; rc=$?; rm -rf after; cp -a out after; exit $rc; }' "$ZF" "$kb"
    stderr_has "^zfstress run: .*'out/[^']+'.*(No space left on device|disk full|Write Error)"
    assert "tmpfs full: earlier outputs whole" whole after
    # a read-only output directory: nothing can change
    rm -rf out && cp -a ref_a out
    expect 1 unshare -m bash -c 'mount --bind out out && mount -o remount,ro,bind out && exec "$0" run s/study.yaml --out out -q --force' "$ZF"
    stderr_has "^zfstress run: 'out/[^']*': .*(Read-only file system|is the directory writable)"
    assert "read-only output: every earlier output unchanged" diff <(snapshot out) a.sums
else
    echo "note: mounting is refused here (not root, or no mount namespace): tmpfs and read-only cases not run"
fi
