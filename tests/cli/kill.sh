# kill.sh: a short kill test: 'zfstress run' killed at random moments never leaves a damaged output,
# and the next run completes with the reference results (scripts/kill-test.sh; run it with N=50+ by hand).
expect 0 bash "$TESTS/../scripts/kill-test.sh" "$ZF" 8 "$WORK/kt"
stdout_has '^kill-test: 8 runs, [0-9]+ killed mid-run'
