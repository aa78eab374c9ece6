# hostile.sh: the hostile-input corpus (tests/hostile/cases.tsv): each case damages a copy of a valid study
# (tests/hostile/generate.sh) and 'zfstress run' must give the expected exit status and message, within 60 s,
# without crashing, and a failed run leaves no experiment.h5 and no temporary file behind.
HOSTILE=$TESTS/hostile
# shellcheck source=/dev/null
. "$HOSTILE/generate.sh"
expect 0 "$ZF" simulate --out base --per-group 3 --seconds 10 --fps 10 --groups control,ketamine --seed 4 -q
only=${ZF_HOSTILE_ONLY:-} # run one case by name: ZF_HOSTILE_ONLY=name ctest -R cli.hostile
ncases=0
while IFS=$'\t' read -r name code check what; do
    case "$name" in '' | '#'*) continue ;; esac
    [ -z "$only" ] || [ "$only" = "$name" ] || continue
    ncases=$((ncases + 1))
    dir=h/$name
    mkdir -p h && cp -r base "$dir"
    if ! (cd "$dir" && "gen_$name"); then
        checks=$((checks + 1))
        fail "case $name: its generator gen_$name failed"
        continue
    fi
    [ -e "$dir/out" ] && out_before=$(cat "$dir/out" 2>/dev/null | sha256sum) || out_before=
    failed_before=$failures
    expect "$code" timeout 60 "$ZF" run "$dir/study.yaml" --out "$dir/out" -q
    rc_case=$last_rc
    where=${check%%\~*}
    re=${check#*\~}
    re=${re//@/$dir}
    if [ "$where" = stderr ]; then
        stderr_has "$re"
    else
        checks=$((checks + 1))
        grep -Eq -- "$re" "${where//@/$dir}" 2>/dev/null || fail "case $name: ${where//@/$dir} lacks /$re/"
    fi
    if [ "$code" -ne 0 ]; then
        if [ -d "$dir/out" ]; then
            assert "case $name: no experiment.h5 after a failed run" test ! -e "$dir/out/experiment.h5"
        elif [ -n "$out_before" ]; then
            assert "case $name: the file in the way is left as it was" test "$(cat "$dir/out" | sha256sum)" = "$out_before"
        fi
    else
        expect 0 "$ZF" verify "$dir/out/experiment.h5"
    fi
    # a case marked KNOWN BUG (reported to the owner of the code) documents the right behaviour; until it is
    # fixed its checks report without failing. A crash, a hang or a temporary left behind fails every case.
    if [ "$failures" -gt "$failed_before" ] && [[ $what == *"KNOWN BUG"* ]]; then
        echo "KNOWN BUG (reported, not fixed yet): case $name: $what" >&2
        failures=$failed_before
    fi
    case $rc_case in
    124) checks=$((checks + 1)); fail "case $name: hung (killed after 60 s)" ;;
    13[0-9] | 14[0-9]) checks=$((checks + 1)); fail "case $name: crashed (signal $((rc_case - 128)))" ;;
    esac
    assert "case $name: no temporaries left" test -z "$(find "$dir" -name '*.tmp' 2>/dev/null)"
done < "$HOSTILE/cases.tsv"
assert "the corpus has at least 40 cases (ran $ncases)" test -n "$only" -o "$ncases" -ge 40
echo "hostile: $ncases cases"
