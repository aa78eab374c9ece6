# metrics_doc.sh: docs/METRICS.md is what 'zfstress metrics --list --markdown' prints (regenerate it with
# that command when the catalogue changes); --list prints the catalogue with its endpoint column.
expect 0 "$ZF" metrics --list --markdown
stdout_is "$TESTS/../docs/METRICS.md"
expect 0 "$ZF" metrics --markdown --list
stdout_is "$TESTS/../docs/METRICS.md"
expect 0 "$ZF" metrics --list
stdout_has '^name	unit	arena	parameters	endpoint	definition	reference$'
stdout_has '^time_top_s	s	side	top_fraction	1	'
stdout_has '^fraction_missing	1	any	-	0	'
stdout_has '^zone_<name>_time_s	s	zones	-	1	'
stdout_has '^pmr_light_on_mm	mm	light	light_schedule,pmr_window_s	1	'
assert "every row has 7 tab-separated fields" test -z "$(awk -F'\t' 'NF != 7' "$WORK/last.out")"
expect 2 "$ZF" metrics --list study.yaml
stderr_has 'takes no study file'
stdout_empty
