# progress.sh: on a terminal (a pseudo-terminal from script(1)) long stages show progress with counts, rate and ETA;
# piped, and with -q, nothing but errors is printed.
command -v script >/dev/null || skip "script(1) not installed: no pseudo-terminal to test progress on"
expect 0 "$ZF" simulate --out s --per-group 5 --seconds 30 --fps 10 --seed 2
run script -qec "$ZF run s/study.yaml --out tty" /dev/null
assert "progress on a terminal exits 0" test "$last_rc" -eq 0
stdout_has 'ingest [0-9]+/20 files +[0-9.]+/s +ETA [0-9]+ s'
expect 0 "$ZF" run s/study.yaml --out piped --force
stdout_empty
assert "no progress when stderr is not a terminal" test -z "$(grep -F 'ETA' "$WORK/last.err")"
run script -qec "$ZF run s/study.yaml --out quiet -q --force" /dev/null
assert "no progress with -q" test -z "$(grep -F 'ETA' "$WORK/last.out")"
