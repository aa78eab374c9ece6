#!/usr/bin/env bash
# install-deps.sh: install what zfstress needs to build and test, with apt-get on Debian/Ubuntu.
# Elsewhere it prints the package names to install by hand.
# usage: install-deps.sh [reliability|mpi]   (reliability: also clang + libFuzzer and valgrind, for
# scripts/fuzz.sh and scripts/valgrind-demo.sh, which .ci/run runs; mpi: also Open MPI and parallel
# HDF5 for the ZF_MPI build, scripts/test-mpi.sh)
set -euo pipefail

# build: compiler, CMake, HDF5 (C), GSL, libpng, cairo, libyaml, OpenSSL (SHA-256), zlib, libdeflate (deflate), the font
# tests: h5dump (hdf5-tools) and h5py to check the experiment file opens in both; chromium renders report.html
# benchmarks: GNU time (scripts/bench.sh reads wall, CPU and peak memory from it)
packages=(gcc make cmake pkg-config libhdf5-dev hdf5-tools libgsl-dev libpng-dev libcairo2-dev
          libyaml-dev libssl-dev zlib1g-dev libdeflate-dev fonts-dejavu-core python3 python3-h5py time chromium)
# reliability: clang with its libFuzzer runtime (Debian 12: LLVM 14) for the fuzz harnesses, valgrind
if [ "${1:-}" = reliability ]; then
    packages+=(clang libclang-rt-14-dev valgrind)
fi
# mpi: Open MPI (mpicc, mpirun) and HDF5 built against it; it installs beside the serial libhdf5-dev
# (hdf5/openmpi next to hdf5/serial) and each build asks for its own (CMakeLists.txt)
if [ "${1:-}" = mpi ]; then
    packages+=(libopenmpi-dev openmpi-bin libhdf5-openmpi-dev)
fi

if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
    echo "install-deps: not a Debian/Ubuntu system; install these packages (or your system's equivalents):"
    printf '  %s\n' "${packages[@]}"
    exit 0
fi

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages present"
    exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
