#!/usr/bin/env python3
"""make-seeds.py: write the seed corpora of the fuzz harnesses: h5gen programs (SLEAP, ZebraZoom) and study files."""
import os
import sys

out = sys.argv[1]


def put(harness, name, data):
    d = os.path.join(out, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# h5gen encoding (tests/fuzz/h5gen.h): first byte odd = an HDF5 program; the names and
# vocabulary indices are those of fuzz_reader.c's h5_names / h5_vocab.
def dataset(name, typ, dims, elems):
    return bytes([0, name, typ, len(dims)] + list(dims) + list(elems))


def attr(name, typ, dims, elems):
    return bytes([1, name, typ, len(dims)] + list(dims) + list(elems))


def dims_json(vocab):
    return bytes([2, 0, 0, vocab])


def dims_list(vocabs):
    return bytes([2, 0, len(vocabs)] + list(vocabs))


coords = [19 + 10 * i for i in range(20)]
# SLEAP: tracks (track, xy, node, frame) with a JSON dims attribute, node names, occupancy, scores
sleap = (dataset(0, 0, [1, 2, 2, 5], coords) + dims_json(1) +
         dataset(3, 4, [2], [10, 11]) +
         dataset(2, 3, [5, 1], [1, 1, 0, 1, 1]) + dims_list([9, 6]) +
         dataset(4, 0, [1, 2, 5], [14] * 10) +
         dataset(1, 4, [1], [13]))
put("sleap", "h5_standard", b"\x01" + sleap)
# the h5py order (frame, track, node, xy) without dims attributes
sleap2 = dataset(0, 0, [5, 1, 2, 2], coords) + dataset(3, 5, [2], [10, 11]) + dataset(1, 0, [0], [])
put("sleap", "h5_transposed", b"\x01" + sleap2)
put("sleap", "csv", b"\x00track,frame_idx,instance.score,head.x,head.y,head.score\n"
    b"track_0,0,0.9,10,20,0.9\ntrack_0,1,0.9,11,21,0.9\ntrack_0,3,0.9,12,22,0.2\n")

# ZebraZoom: videoFPS, videoPixelSize, HeadPos as {X, Y} records and as (frames, 2)
zz = (attr(10, 0, [], [6]) + attr(11, 0, [], [4]) +
      dataset(16, 6, [5], [19, 20, 21, 22, 0, 0, 25, 26, 27, 28]) +
      dataset(17, 0, [5, 2], [30, 31, 32, 33, 34, 35, 0, 0, 38, 39]))
put("zebrazoom", "h5_records", b"\x01" + zz)
zz2 = attr(10, 2, [1], [25]) + dataset(18, 0, [2, 4], [19, 20, 21, 22, 23, 24, 25, 26]) + bytes([3, 13])
put("zebrazoom", "h5_transposed", b"\x01" + zz2)

# study files: every section once, and the shapes the parser distinguishes
full = """samples: samples.csv
format: auto
columns: {time: time_s, x: x_mm, y: y_mm}
units: px
px_per_mm: 4.2
y_axis: down
fps: 30
origin_x: 10
origin_y: 480
time_offset_s: 5
bodypart: head
min_likelihood: 0.6
decimal: comma
arena:
  kind: side
  width_mm: 200
  height_mm: 150
  shape: rect
  zones:
    - {name: top, rect: [0, 75, 200, 150]}
    - {name: spot, circle: [100, 50, 20]}
    - {name: tri, polygon: [[0, 0], [10, 0], [5, 8]]}
metrics:
  top_fraction: 0.5
  bottom_fraction: 0.3
  freeze_speed_mm_s: 5
  freeze_min_s: 2
  bin_s: 60
  max_gap_s: 0.5
  interpolation: linear
  smooth: {method: savgol, window: 5}
  light_schedule: [[0, on], [600, off], [900, on]]
  pmr_window_s: 10
compare: {factor: group, control: control, adjust: holm, bootstrap: 100, seed: 7}
output: results
plot:
  font: DejaVu Sans
  dpi: 150
  groups:
    - {name: control, label: Vehicle, colour: "#336699"}
    - {name: ketamine, color: "#aa0000"}
  metrics:
    time_top_s: {label: Time in top, unit: s, title: Top}
  dose: {column: dose, label: ketamine, unit: mg/L}
figures:
  - {kind: box, metric: time_top_s, groups: [control, ketamine], size: single, format: png}
  - {kind: estimation, metrics: [distance_mm], effect: hedges_g, size: [85, 70], dpi: 300, file: est}
  - {kind: timecourse, metric: distance_mm, error: sem, lines: true}
  - {kind: trajectory, colour_by: speed}
  - kind: panel
    columns: 2
    cells:
      - {kind: box, metric: time_top_s}
      - {kind: doseresponse, metric: distance_mm}
"""
put("study", "full.yaml", full)
put("study", "minimal.yaml", "samples: samples.csv\n")
put("study", "endpoints.yaml", "samples: samples.csv\narena: {kind: top, zones: [{name: dark, rect: [0, 0, 1, 1]}]}\n"
    "metrics: {endpoints: [distance_mm, zone_dark_time_s, thigmotaxis_time_s], bin_s: none}\n"
    "figures: [{kind: box, metric: distance_mm}]\n")
put("study", "anchors.yaml", "samples: &s samples.csv\noutput: *s\ncompare: &c {factor: group}\nfigures:\n  - &f {kind: box, metric: time_top_s}\n  - *f\n")
put("study", "flow.yaml", '{samples: "s.csv", arena: {kind: top, width_mm: 1e3, height_mm: 0x10}, fps: .inf}\n')
put("study", "doc.yaml", "%YAML 1.1\n---\nsamples: !!str samples.csv\nunits: cm\n...\n")
