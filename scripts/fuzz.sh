#!/usr/bin/env bash
# fuzz.sh: build the libFuzzer harnesses (clang, ASan + UBSan) and run one, or all, for a number of seconds.
# usage: scripts/fuzz.sh NAME|all SECONDS
#   NAME: a reader (csv ethovision anymaze toxtrac idtracker trex sleap dlc zebrazoom viewpoint auto),
#         table (the sample-sheet parser), study (the study-file parser) or number (the cell number parser,
#         against strtod); 'all' runs each, $ZF_FUZZ_JOBS
#         (default: the number of cores) at a time.
# Builds in $ZF_FUZZ_BUILD (default build-fuzz/); the corpus grows in <build>/corpus/NAME, seeded from the
# test fixtures (tests/fuzz/make-seeds.sh); a crash is saved as <build>/artifacts/NAME/crash-* and the
# script exits 1. Reproduce: <build>/tests/fuzz/fuzz_NAME <artifact>; a fixed crash's input goes to
# tests/fuzz/regressions/NAME/ (replayed by ctest: unit.fuzz_regressions_NAME). ZF_FUZZ_SEED fixes libFuzzer's
# random seed (0, the default: a new one each run); CI fixes it so that its smoke run explores the same inputs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
all=(csv ethovision anymaze toxtrac idtracker trex sleap dlc zebrazoom viewpoint auto table study number)
if [ $# -ne 2 ] || ! [[ $2 =~ ^[0-9]+$ ]]; then
    echo "usage: scripts/fuzz.sh NAME|all SECONDS   (NAME: ${all[*]})" >&2
    exit 2
fi
name=$1
secs=$2
if [ "$name" = all ]; then
    names=("${all[@]}")
else
    case " ${all[*]} " in
    *" $name "*) names=("$name") ;;
    *) echo "fuzz.sh: unknown harness '$name'; expected one of: ${all[*]}" >&2; exit 2 ;;
    esac
fi
build=${ZF_FUZZ_BUILD:-$root/build-fuzz}
jobs=${ZF_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
command -v clang >/dev/null || { echo "fuzz.sh: clang not found (scripts/install-deps.sh installs it)" >&2; exit 1; }

CC=clang cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZF_FUZZ=ON -DZF_WERROR=ON >/dev/null
targets=(zfstress)
for n in "${names[@]}"; do targets+=("fuzz_$n"); done
cmake --build "$build" -j "$jobs" --target "${targets[@]}" >/dev/null
if [ ! -d "$build/seeds" ]; then
    # the unit tests that write fixtures only make seeds: one that fails to build is skipped
    for t in test_readers_text test_readers_kp test_readers_viewpoint test_table test_track test_study; do
        cmake --build "$build" -j "$jobs" --target "$t" >/dev/null 2>&1 || echo "fuzz.sh: note: $t did not build; its fixtures are not seeds"
    done
    bash "$root/tests/fuzz/make-seeds.sh" "$build" "$build/seeds" >/dev/null
fi

# fuzz_one NAME: run one harness for $secs seconds; output in <build>/logs/NAME.log
fuzz_one() {
    local n=$1 rc=0
    mkdir -p "$build/corpus/$n" "$build/artifacts/$n" "$build/logs"
    ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    LSAN_OPTIONS=suppressions=$root/tests/lsan.supp \
        "$build/tests/fuzz/fuzz_$n" -max_total_time="$secs" -seed="${ZF_FUZZ_SEED:-0}" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$build/artifacts/$n/" \
        "$build/corpus/$n" "$build/seeds/$n" >"$build/logs/$n.log" 2>&1 || rc=$?
    local execs
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$build/logs/$n.log" | grep -o '[0-9]*$' || echo '?')
    if [ "$rc" -eq 0 ]; then
        echo "fuzz $n: ${secs} s, $execs inputs, corpus $(find "$build/corpus/$n" -type f | wc -l) files, no crash"
    else
        echo "fuzz $n: FAILED (exit $rc): $(grep -m1 -E 'ERROR|SUMMARY|deadly|timeout' "$build/logs/$n.log" || true)"
        echo "  log: $build/logs/$n.log; inputs: $(ls "$build/artifacts/$n" | head -3 | tr '\n' ' ')"
    fi
    return "$rc"
}

status=0
pids=()
for n in "${names[@]}"; do
    fuzz_one "$n" &
    pids+=($!)
    if [ ${#pids[@]} -ge "$jobs" ]; then
        wait "${pids[0]}" || status=1
        pids=("${pids[@]:1}")
    fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit "$status"
