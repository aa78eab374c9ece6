#!/usr/bin/env bash
# run-golden.sh: harness for the CLI tests: sources one case file with helpers that assert exit code, stderr and stdout.
# usage: run-golden.sh CASE.sh ZFSTRESS_BINARY TESTS_DIR WORK_DIR
set -uo pipefail
case_file=$1
ZF=$2
TESTS=$3
WORK=$4
DATA=$TESTS/data
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
cd "$WORK" || exit 1
failures=0
checks=0

# run CMD...: runs a command, keeping its exit code, stdout and stderr in $WORK/last.*
run() {
    "$@" >"$WORK/last.out" 2>"$WORK/last.err"
    last_rc=$?
}
fail() {
    echo "FAIL (${BASH_SOURCE[2]##*/}:${BASH_LINENO[1]}): $*" >&2
    echo "  stdout: $(head -c 600 "$WORK/last.out" 2>/dev/null)" >&2
    echo "  stderr: $(head -c 600 "$WORK/last.err" 2>/dev/null)" >&2
    failures=$((failures + 1))
}
# expect CODE CMD...: the command exits with CODE
expect() {
    local code=$1
    shift
    checks=$((checks + 1))
    run "$@"
    [ "$last_rc" -eq "$code" ] || fail "'$*' exited $last_rc, expected $code"
}
# stderr_has REGEX / stdout_has REGEX: grep -E on the last command's output
stderr_has() { checks=$((checks + 1)); grep -Eq -- "$1" "$WORK/last.err" || fail "stderr lacks /$1/"; }
stdout_has() { checks=$((checks + 1)); grep -Eq -- "$1" "$WORK/last.out" || fail "stdout lacks /$1/"; }
stdout_empty() { checks=$((checks + 1)); [ ! -s "$WORK/last.out" ] || fail "stdout not empty"; }
stdout_is() { checks=$((checks + 1)); cmp -s "$1" "$WORK/last.out" || fail "stdout differs from $1: $(diff "$1" "$WORK/last.out" | head -5)"; }
# assert DESCRIPTION CMD...: a shell condition that must hold
assert() {
    local what=$1
    shift
    checks=$((checks + 1))
    "$@" || fail "$what"
}
skip() { echo "SKIP: $*"; exit 77; }

# shellcheck source=/dev/null
. "$case_file"

echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
