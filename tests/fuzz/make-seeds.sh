#!/usr/bin/env bash
# make-seeds.sh: build the fuzz seed corpora in OUT/<harness>/ from the test fixtures: the files the reader
# unit tests write, a small simulated study, the demo study, the real tracker samples in ../shared/formats
# when present (read, never copied into the repository), and tests/fuzz/make-seeds.py's HDF5 programs and study files.
# usage: make-seeds.sh BUILD_DIR OUT   (BUILD_DIR holds zfstress and the unit test programs)
set -euo pipefail
build=$1
out=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
src=$out/.src
rm -rf "$out" && mkdir -p "$src"

# fixtures the unit tests write (each into its own ZF_TMP)
for t in test_readers_text test_readers_kp test_readers_viewpoint test_table test_track test_study; do
    if [ -x "$build/tests/$t" ]; then
        mkdir -p "$src/$t"
        ZF_TMP="$src/$t" "$build/tests/$t" >/dev/null 2>&1 || true
    fi
done
"$build/zfstress" simulate --out "$src/sim" --per-group 2 --seconds 3 --fps 10 --groups control,ketamine --seed 1 -q \
    >/dev/null 2>&1 || true
mkdir -p "$src/demo"
cp "$root/datasets/demo/samples.csv" "$root/datasets/demo/study.yaml" "$src/demo/"
head -c 4096 "$root/datasets/demo/tracks/control01.csv" > "$src/demo/control01.csv"
shared=$root/../shared/formats
if [ -d "$shared" ]; then
    mkdir -p "$src/shared"
    find "$shared" -type f | while read -r f; do
        head -c 16384 "$f" > "$src/shared/$(basename "$f")"
    done
fi

readers=(csv ethovision anymaze toxtrac idtracker trex sleap dlc zebrazoom viewpoint auto)
for h in "${readers[@]}" table study number; do mkdir -p "$out/$h"; done
n=0
while IFS= read -r -d '' f; do
    size=$(stat -c %s "$f")
    [ "$size" -le 65536 ] || continue
    # raw HDF5 files are not fuzzed (libhdf5's parser); the h5gen programs below cover our HDF5 code
    if [ "$(head -c 4 "$f" | od -An -tx1 | tr -d ' \n')" = "89484446" ]; then continue; fi
    n=$((n + 1))
    base="s${n}_$(basename "$f" | tr -c 'A-Za-z0-9._-' '_')"
    case "$f" in
    *.yaml | *.yml) cp "$f" "$out/study/$base"; continue ;;
    esac
    for h in "${readers[@]}"; do
        if [ "$h" = sleap ] || [ "$h" = zebrazoom ]; then # first byte even: the rest is the file
            { printf '\0'; cat "$f"; } > "$out/$h/$base"
        else
            cp "$f" "$out/$h/$base"
        fi
    done
    case "$f" in
    *.csv | *.tsv | *.txt) cp "$f" "$out/table/$base" ;;
    esac
done < <(find "$src" -type f -print0 | sort -z)
python3 "$root/tests/fuzz/make-seeds.py" "$out"
# numbers: every distinct cell of the CSV seeds (up to 2000)
{ find "$out/table" -type f -print0 | xargs -0 cat | tr ',;\t\r' '\n\n\n\n' | LC_ALL=C grep -a -E '^[ -~]{1,40}$' |
    LC_ALL=C sort -u | awk 'NR <= 2000'; } 2>/dev/null | { i=0; while IFS= read -r cell; do printf '%s' "$cell" > "$out/number/n$i"; i=$((i + 1)); done; } || true
for h in "${readers[@]}" table study number; do
    echo "make-seeds: $h: $(find "$out/$h" -type f | wc -l) seeds"
done
