#!/usr/bin/env bash
# test-asan.sh: build with AddressSanitizer + UndefinedBehaviorSanitizer (-fno-sanitize-recover) and run the tests.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$root" -B "$root/build-asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZF_WERROR=ON -DZF_SANITIZE=ON >/dev/null
cmake --build "$root/build-asan" -j "$(nproc 2>/dev/null || echo 2)"
ctest --test-dir "$root/build-asan" --output-on-failure -j "$(nproc 2>/dev/null || echo 2)"
