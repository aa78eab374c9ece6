#!/usr/bin/env bash
# build.sh: configure and build zfstress into build/ (extra arguments go to cmake's configure step).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZF_WERROR=ON "$@" >/dev/null
cmake --build "$root/build" -j "$(nproc 2>/dev/null || echo 2)"
