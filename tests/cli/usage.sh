# usage.sh: top-level usage, help, --version, exit codes 0/2 for asked-for help and misuse.
expect 2 "$ZF"
stderr_has '^Usage: zfstress <command>'
stdout_empty
expect 0 "$ZF" help
stdout_is "$TESTS/cli/expected/help.out"
expect 0 "$ZF" --help
stdout_is "$TESTS/cli/expected/help.out"
expect 0 "$ZF" --version
stdout_has '^zfstress 0\.1\.0, hdf5 [0-9.]+, gsl [0-9.]+, libpng'
expect 2 "$ZF" frobnicate
stderr_has "unknown command 'frobnicate'"
expect 2 "$ZF" help frobnicate
for cmd in run check ingest metrics stats plot info reproduce verify formats simulate; do
    expect 0 "$ZF" help "$cmd"
    cp "$WORK/last.out" "$WORK/help_$cmd.out"
    stdout_has "^Usage: zfstress $cmd"
    expect 0 "$ZF" "$cmd" --help
    stdout_is "$WORK/help_$cmd.out"
    if [ "$cmd" != formats ]; then # a command that needs arguments prints its usage when run bare
        expect 2 "$ZF" "$cmd"
        stderr_has "^Usage: zfstress $cmd"
        stdout_empty
    fi
done
expect 0 "$ZF" formats
stdout_has '^csv$'
expect 2 "$ZF" formats extra
expect 2 "$ZF" run --bogus study.yaml
stderr_has "^zfstress run: unknown option or missing value: '--bogus'"
expect 2 "$ZF" run a.yaml b.yaml
stderr_has 'expected one study file, got 2 arguments'
expect 2 "$ZF" simulate --out x --per-group 0
stderr_has '^zfstress simulate: --per-group: expected a number >= 1, got "0"'
expect 2 "$ZF" simulate --out x --fps abc
stderr_has '\-\-fps: expected a number'
expect 2 "$ZF" simulate --out x --groups control,placebo
stderr_has 'placebo'
assert "simulate misuse created no directory" test ! -e x
# simulate prints its live defaults
expect 0 "$ZF" simulate --help
stdout_has 'fish per group \(default 12\)'
stdout_has 'trial length in s \(default 360\)'
