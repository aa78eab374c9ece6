#!/usr/bin/env bash
# kill-test.sh: kill 'zfstress run' with SIGKILL (and SIGINT, SIGTERM) at random moments, N times; after each kill
# every output must be whole (exactly the previous run's bytes or exactly the new run's), and a final run completes.
# usage: scripts/kill-test.sh ZFSTRESS [N=50] [WORKDIR]
set -euo pipefail
zf=${1:?usage: kill-test.sh ZFSTRESS [N] [WORKDIR]}
n=${2:-50}
work=${3:-$(mktemp -d)}
export SOURCE_DATE_EPOCH=1700000000
mkdir -p "$work" && cd "$work"
rm -rf s out ref_a ref_b
"$zf" simulate --out s --per-group 6 --seconds 120 --fps 15 --groups control,ketamine --seed 21 -q
cp s/study.yaml study_a.yaml
sed 's/bin_s: 60/bin_s: 30/' s/study.yaml > study_b.yaml
# reference outputs of both versions of the study, each from a clean run
snapshot() { (cd "$1" && find . -type f ! -name zfstress.log ! -name '*.tmp' -print0 | sort -z | xargs -0 sha256sum); }
# (same --out for all: the command line is part of the provenance in experiment.h5)
cp study_b.yaml s/study.yaml && "$zf" run s/study.yaml --out out -q --force
snapshot out > b.sums
cp study_a.yaml s/study.yaml && "$zf" run s/study.yaml --out out -q --force
snapshot out > a.sums
signals=(KILL KILL KILL INT TERM)
killed=0
for i in $(seq 1 "$n"); do
    # alternate the study so that every run really rewrites the outputs
    if [ $((i % 2)) -eq 1 ]; then cp study_b.yaml s/study.yaml; else cp study_a.yaml s/study.yaml; fi
    "$zf" run s/study.yaml --out out -q --force 2>/dev/null &
    pid=$!
    sleep "0.$(printf '%03d' $((RANDOM % 700)))"
    sig=${signals[$((RANDOM % ${#signals[@]}))]}
    if kill -s "$sig" "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
    wait "$pid" 2>/dev/null || true
    # every file present must be byte-identical to its version in run a or run b
    snapshot out > now.sums
    while read -r sum file; do
        if ! grep -q "^$sum  $file\$" a.sums && ! grep -q "^$sum  $file\$" b.sums; then
            echo "kill-test: after kill $i ($sig): $file is damaged (matches neither complete run)" >&2
            exit 1
        fi
    done < now.sums
    for f in experiment.h5 metrics.csv stats.csv; do
        [ -s "out/$f" ] || { echo "kill-test: after kill $i: out/$f missing" >&2; exit 1; }
    done
done
# the next run completes and gives the reference results: the tables and figures byte for byte (an
# incremental run rewrites experiment.h5 in place of a copy, so its bytes differ: its numbers are
# compared by the forced run below)
cp study_b.yaml s/study.yaml
"$zf" run s/study.yaml --out out -q
snapshot out | grep -v ' ./experiment.h5$' > final.sums
if ! diff -q <(sort final.sums) <(grep -v ' ./experiment.h5$' b.sums | sort) >/dev/null; then
    echo "kill-test: the run after the kills does not reproduce the reference tables and figures" >&2
    exit 1
fi
"$zf" run s/study.yaml --out out -q --force
snapshot out > final.sums
if ! diff -q <(sort final.sums) <(sort b.sums) >/dev/null; then
    echo "kill-test: the run after the kills does not reproduce the reference outputs" >&2
    diff <(sort final.sums) <(sort b.sums) >&2 || true
    exit 1
fi
echo "kill-test: $n runs, $killed killed mid-run (SIGKILL/SIGINT/SIGTERM); outputs always whole; final run complete"
echo "$n passed, 0 failed"
