# stats_designs.sh: 'zfstress stats --table' with --factors, --repeated and --dose: tables rebuilt from the R reference datasets, numbers against R through the CLI, row names, error messages and exit codes.
HEADER="metric,contrast,procedure,n1,n2,estimate,ci_low,ci_high,statistic,df,df2,p,p_adjusted,adjust_method,note"
REF=$TESTS/reference/stats_designs.csv
# ref DATASET QUANTITY: the reference value(s) in file order
ref() { awk -F, -v d="$1" -v q="$2" '$1 == d && $2 == q { print $3 }' "$REF"; }
# col FILE METRIC CONTRAST PROCEDURE FIELD: one field of one row (columns by header name)
col() {
    awk -F, -v m="$2" -v c="$3" -v p="$4" -v f="$5" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
        $1 == m && $2 == c && $3 == p { print $h[f]; exit }' "$1"
}
# near A B REL: |A - B| <= REL max(|A|, |B|)
near() { awk -v a="$1" -v b="$2" -v r="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; m = a < 0 ? -a : a; n = b < 0 ? -b : b;
    if (n > m) m = n; exit !(a != "" && b != "" && d <= r * m) }'; }
rows() { echo $(($(wc -l < "$1") - 1)); }

# ---- factorial: fac_unbal of the reference (2 x 3, unbalanced) as a tidy table ----
paste -d, <(ref fac_unbal A | sed 's/^/a/') <(ref fac_unbal B | sed 's/^/b/') <(ref fac_unbal y) |
    awk 'BEGIN { print "subject,A,B,y" } { printf "f%02d,%s\n", NR, $0 }' > fac.csv
expect 0 "$ZF" stats --table fac.csv --factors A,B --out f.csv
stdout_empty
assert "header" test "$(head -1 f.csv)" = "$HEADER"
assert "terms in R's order" test "$(awk -F, '$3 == "anova_type2" { printf "%s ", $2 }' f.csv)" = "A B A:B "
for term in A B A:B; do
    for t in 2 3; do
        assert "type $t $term F as car::Anova" near "$(col f.csv y "$term" anova_type$t statistic)" "$(ref fac_unbal "t$t.$term.F")" 1e-8
        assert "type $t $term p as car::Anova" near "$(col f.csv y "$term" anova_type$t p)" "$(ref fac_unbal "t$t.$term.p")" 1e-8
        assert "type $t $term df" test "$(col f.csv y "$term" anova_type$t df)" = "$(ref fac_unbal "t$t.$term.df")"
        assert "type $t $term df2 = residual df" test "$(col f.csv y "$term" anova_type$t df2)" = "$(ref fac_unbal resid.df)"
    done
done
assert "emmeans A=a2 as emmeans" near "$(col f.csv y A=a2 emmeans estimate)" "$(ref fac_unbal emm.A=a2.est)" 1e-8
assert "emmeans CI" near "$(col f.csv y a1:b3 emmeans ci_high)" "$(ref fac_unbal emm.a1:b3.hi)" 1e-8
assert "simple effect A | B=b2" near "$(col f.csv y 'A | B=b2' simple_effect statistic)" "$(ref fac_unbal 'se.A | B=b2.F')" 1e-8
assert "pairwise_t, Holm" near "$(col f.csv y 'a2:b3 - a1:b1' pairwise_t p_adjusted)" "$(ref fac_unbal 'pw.a2:b3 - a1:b1.p_holm')" 1e-8
assert "15 pairs of 6 cells" test "$(grep -c ',pairwise_t,' f.csv)" -eq 15
assert "shapiro_wilk per cell" test "$(grep -c ',shapiro_wilk,' f.csv)" -eq 6
assert "brown_forsythe over the cells" near "$(col f.csv y A:B brown_forsythe statistic)" "$(ref fac_unbal bf.F)" 1e-8
assert "no subject metric" test -z "$(grep -E '^subject,' f.csv)"
# with BH across the pairs, and study-wide families
expect 0 "$ZF" stats --table fac.csv --factors A,B --adjust BH --family study --out f2.csv
assert "BH" grep -qE '^y,a2:b1 - a1:b1,pairwise_t,.*,BH,' f2.csv
assert "study family: the ANOVA terms adjusted too" grep -qE '^y,A,anova_type2,.*,BH,' f2.csv
# an empty cell: type II by model comparison (as car), type III refused with a message
awk -F, 'NR == 1 || !($2 == "a2" && $3 == "b3")' fac.csv > empty.csv
expect 0 "$ZF" stats --table empty.csv --factors A,B --out e.csv
assert "type II interaction with an empty cell as car" near "$(col e.csv y A:B anova_type2 statistic)" "$(ref fac_empty t2.A:B.F)" 1e-8
assert "type II df of the interaction is 1" test "$(col e.csv y A:B anova_type2 df)" = 1
assert "type III: a message, no numbers" grep -qE '^y,A:B,anova_type3,26,0,,,,,,,,,none,empty cell a2:b3: type III not defined \(see type II\)$' e.csv
assert "emmeans not estimable" grep -qE '^y,A=a2,emmeans,.*not estimable: 1 empty cell$' e.csv
assert "shapiro_wilk of the empty cell says so" grep -qE '^y,a2:b3,shapiro_wilk,0,0,.*empty cell$' e.csv

# ---- repeated measures: rm_unbal (groups of 4, 7, 5 x 6 bins) as a long table like binned.csv ----
ref rm_unbal g | awk '{ print NR "," (($1 == 1) ? "control" : ($1 == 2) ? "lo" : "hi") }' > groups.txt
ref rm_unbal Y | awk -v k=6 'BEGIN { print "subject,group,dose,bin_start_s,y" }
    NR == FNR { g[$0 + 0] = $0; next } { s = int((FNR - 1) / k) + 1; b = (FNR - 1) % k;
    split(g[s], a, ","); printf "fish%02d,%s,%d,%d,%s\n", s, a[2], s % 3, 60 * b, $0 }' groups.txt - > long.csv
expect 0 "$ZF" stats --table long.csv --factor group --repeated bin --subject subject --out r.csv
stdout_empty
assert "the metric is y (dose is constant within subjects: skipped)" test "$(cut -d, -f1 r.csv | sort -u | tr '\n' ' ')" = "metric y "
for term in group bin group:bin; do
    assert "mixed_anova $term F as car::Anova" near "$(col r.csv y "$term" mixed_anova statistic)" "$(ref rm_unbal "rm.$term.F")" 1e-8
    assert "mixed_anova $term df2" test "$(col r.csv y "$term" mixed_anova df2)" = "$(ref rm_unbal "rm.$term.df2")"
done
assert "GG epsilon" near "$(col r.csv y bin mixed_anova_gg estimate)" "$(ref rm_unbal gg.bin.eps)" 1e-8
assert "GG p" near "$(col r.csv y group:bin mixed_anova_gg p)" "$(ref rm_unbal gg.group:bin.p)" 1e-8
assert "HF epsilon" near "$(col r.csv y bin mixed_anova_hf estimate)" "$(ref rm_unbal hf.bin.eps)" 1e-8
assert "Mauchly W" near "$(col r.csv y bin mauchly estimate)" "$(ref rm_unbal mauchly.W)" 1e-8
assert "per-bin Welch t, Holm over 6 bins x 2 levels" test "$(grep -c ',welch_t,.*,holm,' r.csv)" -eq 12
assert "per-bin contrast names" grep -qE '^y,hi - control \| bin=300,welch_t,5,4,' r.csv
expect 0 "$ZF" stats --table long.csv --factor group --repeated bin_start_s --out r2.csv
assert "--repeated bin_start_s names the terms after the column" grep -qE '^y,group:bin_start_s,mixed_anova,16,0,' r2.csv
assert "same numbers" test "$(col r.csv y group:bin mixed_anova p)" = "$(col r2.csv y group:bin_start_s mixed_anova p)"
# a missing row: that fish leaves the ANOVA (noted), stays in the per-bin tests
grep -v '^fish03,control,0,120,' long.csv > gap.csv
expect 0 "$ZF" stats --table gap.csv --factor group --repeated bin --out g.csv
assert "noted" grep -qE '^y,bin,mixed_anova,15,0,.*1 subject with a missing value left out$' g.csv
assert "per-bin n" grep -qE '^y,lo - control \| bin=120,welch_t,7,3,' g.csv
# one group (no --factor): one-way repeated measures
expect 0 "$ZF" stats --table long.csv --repeated bin --metrics y --out one.csv
assert "no group rows" test -z "$(grep -E ',group' one.csv)"
assert "bin row" grep -qE '^y,bin,mixed_anova,16,0,' one.csv

# ---- dose-response: dose_rep (0 .. 30, 6 fish per dose) ----
paste -d, <(ref dose_rep dose) <(ref dose_rep y) | awk 'BEGIN { print "subject,dose_mg_per_l,y" } { printf "f%02d,%s\n", NR, $0 }' > dose.csv
expect 0 "$ZF" stats --table dose.csv --dose dose_mg_per_l --out d.csv
assert "EC50 as nls" near "$(col d.csv y ec50 loglogistic4 estimate)" "$(ref dose_rep ll4.ec50)" 1e-6
assert "EC50 CI (delta method on log EC50)" near "$(col d.csv y ec50 loglogistic4 ci_low)" "$(ref dose_rep ll4.ec50.lo)" 1e-6
assert "3-parameter residual SE" near "$(col d.csv y residual_se loglogistic3 estimate)" "$(ref dose_rep ll3.rse)" 1e-6
assert "lack of fit F" near "$(col d.csv y lack_of_fit loglogistic4 statistic)" "$(ref dose_rep ll4.lof.F)" 1e-6
assert "lack of fit df" test "$(col d.csv y lack_of_fit loglogistic4 df),$(col d.csv y lack_of_fit loglogistic4 df2)" = "2,30"
assert "Jonckheere-Terpstra (exact)" grep -qE '^y,dose_mg_per_l,jonckheere,36,0,21,,,21,,,.*,none,exact$' d.csv
assert "checks per dose, dose 0 as 0" grep -qE '^y,0,shapiro_wilk,6,0,' d.csv
assert "lower only in the 4-parameter fit" test "$(grep -c ',lower,' d.csv)" -eq 1

# ---- data errors: exit 1, file, line, column ----
awk -F, 'BEGIN { OFS = "," } NR == 8 { $2 = -1 } { print }' dose.csv > negdose.csv
expect 1 "$ZF" stats --table negdose.csv --dose dose_mg_per_l --out x.csv
stderr_has "^zfstress stats: 'negdose.csv':8: column 2 'dose_mg_per_l': expected a dose >= 0, got \"-1\"$"
expect 1 "$ZF" stats --table fac.csv --factors A,C --out x.csv
stderr_has "'fac.csv':1: no column 'C' \(a factor\); columns: 'subject', 'A', 'B', 'y'"
(cat long.csv; tail -1 long.csv) > dup.csv
expect 1 "$ZF" stats --table dup.csv --factor group --repeated bin --out x.csv
stderr_has "'dup.csv':98: subject 'fish16' has a second row for bin_start_s 300 \(the first is line 97\)"
sed '3s/^fish01,control,/fish01,lo,/' long.csv > twogroups.csv
expect 1 "$ZF" stats --table twogroups.csv --factor group --repeated bin --out x.csv
stderr_has "'twogroups.csv':3: subject 'fish01' is in group 'lo' here and in 'control' at line 2"
expect 1 "$ZF" stats --table long.csv --factor group --repeated time --out x.csv
stderr_has "no column 'time' \(the within-subject factor\)"
expect 1 "$ZF" stats --table long.csv --factor group --repeated bin --subject fish --out x.csv
stderr_has "no column 'fish' \(the subject\)"
assert "no output after data errors" test ! -e x.csv

# ---- usage errors: exit 2 ----
expect 2 "$ZF" stats --table fac.csv --factors A,B --repeated bin --out x.csv
stderr_has "different designs: choose one"
expect 2 "$ZF" stats --table fac.csv --factors A,,B --out x.csv
stderr_has "\-\-factors: empty column name"
expect 2 "$ZF" stats --table fac.csv --factors A,B --family everything --out x.csv
stderr_has "unknown --family 'everything'; expected metric or study"
expect 2 "$ZF" stats --table fac.csv --subject subject --out x.csv
stderr_has "\-\-subject goes with \-\-repeated"
expect 2 "$ZF" stats --table fac.csv --factors A,B --checks --out x.csv
assert "no output after usage errors" test ! -e x.csv

# ---- one factor with --checks: the Statistics I rows plus the checks ----
awk -F, 'BEGIN { OFS = "," } { print $1, $3, $4 }' fac.csv > one.csv
expect 0 "$ZF" stats --table one.csv --factor B --control b1 --checks --metrics y --out c.csv
assert "shapiro_wilk per level" test "$(grep -c ',shapiro_wilk,' c.csv)" -eq 3
assert "brown_forsythe omnibus" grep -qE '^y,omnibus,brown_forsythe,33,0,' c.csv
expect 0 "$ZF" stats --table one.csv --factor B --control b1 --metrics y --out c0.csv
assert "without --checks: exactly the Statistics I rows" test "$(rows c.csv)" -eq $(($(rows c0.csv) + 4))

# ---- the study declares the designs (compare.factors, compare.dose, compare.repeated, compare.family) ----
expect 0 "$ZF" simulate --out st --groups control,ket2,ket20,ket40 --per-group 4 --seconds 120 --fps 5 --seed 3
awk -F, 'BEGIN { OFS = "," } NR == 1 { print $0, "stressor"; next } { print $0, (NR % 2 ? "stress" : "none") }' st/samples.csv > st/s.csv
mv st/s.csv st/samples.csv
sed -i 's/^compare: .*$/compare: {factor: group, control: control, factors: [stressor, group], dose: dose_mg_per_l, repeated: bin, family: study}/' st/study.yaml
expect 0 "$ZF" run st/study.yaml -q
assert "factorial from /metrics" grep -qE '^time_top_s,stressor:group,anova_type3,16,0,' st/results/stats.csv
assert "split-plot from /binned" grep -qE '^time_top_s,group:bin,mixed_anova_gg,16,0,' st/results/stats.csv
assert "per-bin comparisons named by bin start" grep -qE '^time_top_s,ket40 - control \| bin=60,welch_t,4,4,' st/results/stats.csv
assert "dose-response from the dose column" grep -qE '^time_top_s,ec50,loglogistic4,16,0,' st/results/stats.csv
assert "trend over the doses" grep -qE '^time_top_s,dose_mg_per_l,jonckheere,16,0,' st/results/stats.csv
assert "checks beside the default comparisons" grep -qE '^time_top_s,ket2,shapiro_wilk,4,0,' st/results/stats.csv
assert "family: study pools the anova rows of every metric" test "$(grep -c ',omnibus,anova,.*,holm,' st/results/stats.csv)" -gt 1
# study-file errors: line:column, exit 1
sed 's/factors: \[stressor, group\]/factors: stressor/' st/study.yaml > st/bad.yaml
expect 1 "$ZF" check st/bad.yaml
stdout_has "'st/bad.yaml':10:[0-9]+: key 'factors': expected a list of 1 to 4 sample-sheet columns, e.g. \[stressor, drug\]"
sed 's/repeated: bin/repeated: minute/' st/study.yaml > st/bad.yaml
expect 1 "$ZF" check st/bad.yaml
stdout_has "key 'repeated': expected bin \(the time bins of /binned\), got \"minute\""
sed 's/family: study/family: all/' st/study.yaml > st/bad.yaml
expect 1 "$ZF" check st/bad.yaml
stdout_has "key 'family': expected metric .* or study .*, got \"all\""
sed 's/factors: \[stressor, group\]/factors: [stressor, stressor]/' st/study.yaml > st/bad.yaml
expect 1 "$ZF" check st/bad.yaml
stdout_has "key 'factors': column 'stressor' named twice"
sed 's/dose: dose_mg_per_l/dose: nope/' st/study.yaml > st/bad.yaml
expect 1 "$ZF" stats st/bad.yaml --out st/results
stderr_has "no subject column 'nope' \(compare.dose in 'st/bad.yaml'\)"

# ---- help ----
expect 0 "$ZF" stats --help
stdout_has '^  --factors A,B'
stdout_has '^  --repeated NAME'
stdout_has '^  --dose NAME'
stdout_has 'bin_start_s of binned.csv'
stdout_has '\(default: metric\)'
