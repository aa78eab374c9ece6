#!/usr/bin/env bash
# test-mpi.sh: install Open MPI and parallel HDF5, build the ZF_MPI variant into build-mpi/ with -Werror and run
# its MPI test (tests/cli/mpi.sh: 'mpirun --oversubscribe -n 3 zfstress run' against the serial run).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/install-deps.sh" mpi
cmake -S "$root" -B "$root/build-mpi" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZF_WERROR=ON -DZF_MPI=ON >/dev/null
cmake --build "$root/build-mpi" -j "$(nproc 2>/dev/null || echo 2)" --target zfstress
# CI runs as root: Open MPI's mpirun needs to be told that this is intended
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
ctest --test-dir "$root/build-mpi" --output-on-failure -L mpi
