# generate.sh: the inputs of the hostile-input cases that are large, need a file-system trick, or are easier
# to state as an edit of the valid study; sourced by tests/cli/hostile.sh. Each function runs inside a fresh copy
# of the valid study (samples.csv, study.yaml, tracks/control01.csv ... ketamine03.csv) and changes it.
T=tracks/control01.csv

# ---- track files ----
gen_long_line() { # a 1 MB line: one cell of a million digits
    { head -3 "$T"; printf '3,0.3000,'; head -c 1048576 /dev/zero | tr '\0' '7'; printf ',5.0\n'; } > t.new && mv t.new "$T"
}
gen_million_columns() { # a header of a million columns, none of them the study's
    awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "%sc%d", (i ? "," : ""), i; print "" }' > "$T"
    echo "0,1,2" >> "$T"
}
gen_million_columns_ok() { # the study's three columns, then a million more in every row
    awk 'BEGIN { printf "time_s,x_mm,y_mm"; for (i = 0; i < 1000000; i++) printf ",c%d", i; print "" }' > "$T"
    for r in 0 1 2; do awk -v r=$r 'BEGIN { printf "%d,%d,%d", r, 10 + r, 20 + r; for (i = 0; i < 1000000; i++) printf ",0"; print "" }' >> "$T"; done
}
gen_truncated() { # the last line cut in the middle of a number (a copy interrupted)
    head -c "$(( $(stat -c %s "$T") - 7 ))" "$T" > t.new && mv t.new "$T"
}
gen_truncated_field() { # the last line cut after its time: x and y missing
    head -6 "$T" > t.new && printf '6,0.6000,' >> t.new && mv t.new "$T"
}
gen_mixed_crlf() { # every other line ends in CRLF (a file edited on two systems)
    awk 'NR % 2 { printf "%s\r\n", $0; next } { print }' "$T" > t.new && mv t.new "$T"
}
gen_utf16_odd() { # UTF-16LE with a BOM and an odd byte count (a cut file)
    { printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE "$T"; printf 'x'; } > t.new && mv t.new "$T"
}
gen_utf8_bom() { # a UTF-8 byte-order mark before the header (Excel's "CSV UTF-8")
    { printf '\xef\xbb\xbf'; cat "$T"; } > t.new && mv t.new "$T"
}
gen_nul_bytes() { # NUL bytes inside a line (a disk error or a binary write)
    { head -6 "$T"; printf '5,0.5\0\0\0,1.0,2.0\n'; tail -n +8 "$T"; } > t.new && mv t.new "$T"
}
gen_cell() { # gen_cell LINE COLUMN TEXT: replace one cell of the track
    awk -F, -v OFS=, -v l="$1" -v c="$2" -v t="$3" 'NR == l { $c = t } { print }' "$T" > t.new && mv t.new "$T"
}
gen_num_1e400() { gen_cell 5 3 1e400; }
gen_num_neg_1e400() { gen_cell 5 4 -1e400; }
gen_num_minus_zero() { gen_cell 5 3 -0; }
gen_num_hex() { gen_cell 5 3 0x10; }
gen_num_comma() { gen_cell 5 3 '"1,5"'; }
gen_num_nan() { gen_cell 5 3 NaN; }
gen_num_inf() { gen_cell 5 3 inf; }
gen_num_denormal() { gen_cell 5 3 4.9e-324; }
gen_num_time_nan() { gen_cell 5 2 NaN; }
gen_num_time_inf() { gen_cell 5 2 inf; }
gen_num_trailing() { gen_cell 5 3 12.5mm; }
gen_time_backwards() { gen_cell 6 2 0.1; }
gen_time_duplicate() { gen_cell 7 2 0.4000; }
gen_all_missing() { awk -F, -v OFS=, 'NR > 1 { $3 = "NaN"; $4 = "" } { print }' "$T" > t.new && mv t.new "$T"; }
gen_single_sample() { head -2 "$T" > t.new && mv t.new "$T"; }
gen_header_only() { head -1 "$T" > t.new && mv t.new "$T"; }
gen_empty() { : > "$T"; }
gen_blank_lines() { printf '\n\n   \n\n' > "$T"; }
gen_unterminated_quote() { { head -6 "$T"; printf '5,0.5,"12.5,3.0\n'; tail -n +8 "$T"; } > t.new && mv t.new "$T"; }
gen_extra_fields() { # a row with more fields than the header: an unquoted decimal comma shifts x and y
    { head -6 "$T"; printf '5,0.5,12,5,3,0\n'; tail -n +8 "$T"; } > t.new && mv t.new "$T"; }

# ---- the sample sheet ----
sheet_edit() { awk -F, -v OFS=, "$1" samples.csv > s.new && mv s.new samples.csv; }
gen_fps_text() { sheet_edit 'NR == 3 { $5 = "ten" } { print }'; }
gen_duplicate_subject() { sheet_edit 'NR == 3 { $1 = "control01" } { print }'; }
gen_missing_file() { rm tracks/control02.csv; }
gen_dangling_symlink() { rm tracks/control02.csv; ln -s nowhere/control02.csv tracks/control02.csv; }
gen_symlink_loop() { rm tracks/control02.csv; ln -s loop_b.csv tracks/loop_a.csv; ln -s loop_a.csv tracks/loop_b.csv
    sheet_edit 'NR == 3 { $4 = "tracks/loop_a.csv" } { print }'; }
gen_dir_as_track() { rm tracks/control02.csv; mkdir tracks/control02.csv; }
gen_one_fish_group() { sheet_edit 'NR == 6 || NR == 7 { next } { print }'; }
gen_zero_variance() { for f in tracks/*.csv; do [ "$f" = "$T" ] || cp "$T" "$f"; done; }
gen_group_missing_control() { sheet_edit '{ sub(/^control$/, "vehicle", $2); print }'; }
gen_sheet_empty() { : > samples.csv; }
gen_sheet_header_only() { head -1 samples.csv > s.new && mv s.new samples.csv; }
gen_sheet_no_file_column() { sheet_edit '{ NF = 3; print }'; }
gen_sheet_extra_fields() { sheet_edit 'NR == 4 { $0 = $0 ",surplus" } { print }'; }
gen_sheet_empty_subject() { sheet_edit 'NR == 4 { $1 = "" } { print }'; }
gen_sheet_garbage() { cp "$HOSTILE/files/garbage.bin" samples.csv; }
gen_sheet_dir() { rm samples.csv; mkdir samples.csv; }
gen_sheet_unknown_format() { sheet_edit 'NR == 1 { $0 = $0 ",format" } NR == 2 { $0 = $0 ",tracker9000" } NR > 2 { $0 = $0 "," } { print }'; }
gen_sheet_duplicate_column() { sheet_edit 'NR == 1 { $3 = "group" } { print }'; }

# ---- the study file ----
gen_study_dir() { rm study.yaml; mkdir study.yaml; }
gen_study_empty() { : > study.yaml; }
gen_study_not_mapping() { printf -- '- samples.csv\n- tracks\n' > study.yaml; }
gen_study_fps_list() { sed -i 's/^fps: 10$/fps: [10, 20]/' study.yaml; }
gen_study_arena_scalar() { sed -i 's/^arena: .*/arena: 200/' study.yaml; }
gen_study_samples_map() { sed -i 's/^samples: .*/samples: {file: samples.csv}/' study.yaml; }
gen_study_bootstrap_text() { sed -i 's/^compare: .*/compare: {factor: group, control: control, bootstrap: lots}/' study.yaml; }
gen_study_fps_negative() { sed -i 's/^fps: 10$/fps: -10/' study.yaml; }
gen_study_unknown_format() { sed -i 's/^format: csv$/format: tracker9000/' study.yaml; }
gen_study_duplicate_key() { printf 'fps: 25\n' >> study.yaml; }
gen_study_billion_laughs() { cat "$HOSTILE/files/billion_laughs.yaml" >> study.yaml; }
gen_study_laughs_in_key() { # the bomb under a key the parser walks: figures
    cat >> study.yaml <<'YAML'
figures: &f9 [&f1 {kind: box, metric: time_top_s}, *f1, *f1, *f1, *f1, *f1, *f1, *f1, *f1]
plot: {groups: &g1 [{name: control}, {name: control}, {name: control}, {name: control}]}
YAML
}
gen_study_recursive_alias() { cat "$HOSTILE/files/recursive_alias.yaml" >> study.yaml; }
gen_study_deep_nesting() { { printf 'metrics: '; head -c 100000 /dev/zero | tr '\0' '['; echo; } >> study.yaml; }
gen_study_garbage() { cp "$HOSTILE/files/garbage.bin" study.yaml; }
gen_study_tab_indent() { printf 'arena:\n\tkind: side\n' >> study.yaml; }
gen_garbage() { cp "$HOSTILE/files/garbage.bin" "$T"; }

# ---- the output ----
gen_out_is_file() { printf 'not a directory\n' > out; }
gen_sheet_fps_negative() { sheet_edit 'NR == 2 { $5 = -10 } { print }'; }
gen_sheet_fps_zero() { sheet_edit 'NR == 2 { $5 = 0 } { print }'; }
