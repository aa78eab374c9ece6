/* stats.h: group comparisons (two-group tests, effect sizes with BCa CIs, k-group omnibus and post hoc tests), p-value corrections, the tidy results table, and the designs of Statistics II (factorial and split-plot ANOVA, dose-response fits, trend test, assumption checks). */
#ifndef ZFSTRESS_STATS_H
#define ZFSTRESS_STATS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Result of one procedure on one contrast. Fields that do not apply are NaN.
 * For two-sample procedures x is the treatment group and y the control, so
 * estimate = effect of x relative to y. */
typedef struct zf_test_result {
    double estimate, ci_low, ci_high;
    double statistic, df, df2, p;
    char note[128];
} zf_test_result;

/* Welch two-sample t test (R: t.test(x, y)): estimate mean(x)-mean(y) with its
 * 95% Welch CI, statistic t, df Welch-Satterthwaite, two-sided p. */
int zf_test_welch(const double *x, size_t nx, const double *y, size_t ny, zf_test_result *r);
/* Student t with pooled variance (R: t.test(x, y, var.equal = TRUE)). */
int zf_test_student(const double *x, size_t nx, const double *y, size_t ny, zf_test_result *r);
/* Mann-Whitney U as R's wilcox.test(x, y): statistic W = rank sum of x - nx(nx+1)/2;
 * exact p when nx < 50 and ny < 50 and no ties, otherwise the normal
 * approximation with tie and continuity correction. estimate = median(x)-median(y). */
int zf_test_mann_whitney(const double *x, size_t nx, const double *y, size_t ny, zf_test_result *r);
/* As zf_test_mann_whitney; with exact_ties = 1, samples with ties and nx, ny < 50
 * get the exact conditional p (the permutation distribution of the mid-rank sum,
 * p = P(|R - E R| >= |r - E R|); R: pvalue(coin::wilcox_test(v ~ g,
 * distribution = "exact"))) instead of the normal approximation. */
int zf_test_mann_whitney_ex(const double *x, size_t nx, const double *y, size_t ny, int exact_ties,
                            zf_test_result *r);
/* Two-sided permutation test of the difference of means: estimate mean(x)-mean(y),
 * p = share of splits of the pooled sample with |difference| >= observed. Exact
 * (all C(nx+ny, nx) splits) when that number is <= nperm, otherwise nperm random
 * splits (gsl_rng_taus2 seeded with seed) and p = (b + 1)/(nperm + 1). */
int zf_test_permutation(const double *x, size_t nx, const double *y, size_t ny, size_t nperm,
                        unsigned long seed, zf_test_result *r);

/* Effect sizes of x against y, each with a BCa bootstrap 95% CI (DABEST
 * conventions): nboot resamples within each group (seeded; the four effects
 * share the same resamples, so each single-effect function gives the CI of
 * zf_effect_sizes), jackknife over the concatenated groups for the acceleration.
 * mean_diff = mean(x)-mean(y); median_diff = median(x)-median(y);
 * cohens_d = mean_diff / pooled SD; hedges_g = d J(m), the exact gamma
 * correction J(m) = G(m/2)/(sqrt(m/2) G((m-1)/2)), m = nx+ny-2. */
enum { ZF_EFFECT_MEAN_DIFF, ZF_EFFECT_MEDIAN_DIFF, ZF_EFFECT_COHENS_D, ZF_EFFECT_HEDGES_G, ZF_EFFECT_COUNT };
int zf_effect_sizes(const double *x, size_t nx, const double *y, size_t ny, size_t nboot,
                    unsigned long seed, zf_test_result out[ZF_EFFECT_COUNT]);
int zf_effect_mean_diff(const double *x, size_t nx, const double *y, size_t ny,
                        size_t nboot, unsigned long seed, zf_test_result *r);
int zf_effect_median_diff(const double *x, size_t nx, const double *y, size_t ny,
                          size_t nboot, unsigned long seed, zf_test_result *r);
int zf_effect_cohens_d(const double *x, size_t nx, const double *y, size_t ny,
                       size_t nboot, unsigned long seed, zf_test_result *r);
int zf_effect_hedges_g(const double *x, size_t nx, const double *y, size_t ny,
                       size_t nboot, unsigned long seed, zf_test_result *r);

/* k groups: groups[i] has n[i] values (NaN dropped and counted in the note;
 * a group left empty is left out, with a note). */
/* One-way ANOVA (R: oneway.test(v ~ g, var.equal = TRUE)): estimate = statistic = F,
 * df = k-1, df2 = N-k. */
int zf_test_anova(const double *const *groups, const size_t *n, size_t k, zf_test_result *r);
/* Welch's heteroscedastic one-way ANOVA (R: oneway.test(v ~ g)): F, df, df2 (fractional). */
int zf_test_welch_anova(const double *const *groups, const size_t *n, size_t k, zf_test_result *r);
/* Kruskal-Wallis rank sum test with tie correction (R: kruskal.test): estimate =
 * statistic = H, df = k-1, chi-square p. */
int zf_test_kruskal(const double *const *groups, const size_t *n, size_t k, zf_test_result *r);
/* Post hoc procedures. Pairs (i, j), i < j, in the order (0,1), (0,2), ...,
 * (0,k-1), (1,2), ... (R's TukeyHSD order); estimates are group j minus group i.
 * out has k(k-1)/2 entries. */
/* Tukey HSD (Tukey-Kramer for unequal n; R: TukeyHSD(aov(v ~ g))): estimate the
 * mean difference, statistic q = |diff| / sqrt(MSE/2 (1/n_i + 1/n_j)), df = N-k,
 * p = P(Q_{k,df} > q) (already adjusted), 95% simultaneous CI. */
int zf_posthoc_tukey(const double *const *groups, const size_t *n, size_t k, zf_test_result *out);
/* Dunnett many-to-one, two-sided, each group against groups[control]
 * (R: summary(glht(aov(v ~ g), linfct = mcp(g = "Dunnett")))): out has k-1
 * entries in group order without the control; estimate mean_i - mean_control,
 * statistic t, df = N-k, p single-step adjusted, 95% simultaneous CI. */
int zf_posthoc_dunnett(const double *const *groups, const size_t *n, size_t k, size_t control,
                       zf_test_result *out);
/* Dunn's test (Dunn 1964) on the joint mid-ranks with tie correction: estimate the
 * mean-rank difference, statistic z, two-sided unadjusted p (adjust with
 * zf_p_adjust). All pairs (k(k-1)/2 results in the pair order above) when
 * control == (size_t)-1, else each group against the control (k-1 results, as Dunnett). */
int zf_posthoc_dunn(const double *const *groups, const size_t *n, size_t k, size_t control,
                    zf_test_result *out);

/* Studentized range distribution of k means with df degrees of freedom
 * (df = INFINITY allowed): p = P(Q > q) (upper) or P(Q <= q), by numerical
 * integration after Copenhaver & Holland (1988). */
int zf_ptukey(double q, size_t k, double df, int lower_tail, double *p);
/* Its quantile: P(Q <= q) = prob, by root finding. */
int zf_qtukey(double prob, size_t k, double df, double *q);
/* Two-sided Dunnett distribution: p = P(max_i |T_i| > c) (or <= c) for m
 * t statistics with df degrees of freedom and correlations lambda_i lambda_j
 * (lambda_i = sqrt(n_i / (n_i + n_0)), 0 <= lambda_i < 1), by deterministic
 * numerical integration of the one-factor representation. */
int zf_pdunnett(double c, size_t m, const double *lambda, double df, int lower_tail, double *p);
int zf_qdunnett(double prob, size_t m, const double *lambda, double df, double *c);

/* p-value adjustment across a family (R: p.adjust). NaN p values are left NaN
 * and not counted in the family size. */
enum { ZF_ADJ_NONE = 0, ZF_ADJ_HOLM, ZF_ADJ_BONFERRONI, ZF_ADJ_HOCHBERG, ZF_ADJ_BH,
       ZF_ADJ_BY, ZF_ADJ_SIDAK, ZF_ADJ_HOLM_SIDAK };
int zf_p_adjust(const double *p, size_t n, int method, double *out);
const char *zf_adjust_name(int method);  /* "holm", "BH", "holm-sidak", ... ; "none" */
int zf_adjust_parse(const char *name);   /* -1 when unknown */

/* One row of the tidy results table (stats.csv / /stats). */
typedef struct zf_stat_row {
    char metric[64];
    char contrast[128];   /* "ket20 - control" */
    char procedure[32];   /* welch_t, mann_whitney, hedges_g, ... */
    size_t n1, n2;
    double estimate, ci_low, ci_high, statistic, df, df2, p, p_adjusted;
    char adjust_method[16];
    char note[128];
} zf_stat_row;

typedef struct zf_stat_table {
    size_t n, cap;
    zf_stat_row *rows;
} zf_stat_table;

void zf_stat_table_init(zf_stat_table *t);
void zf_stat_table_free(zf_stat_table *t); /* keeps the struct; NULL is a no-op */

typedef struct zf_compare_opts {
    const char *control;   /* control level of the factor */
    size_t nboot;          /* bootstrap resamples, default 5000 */
    unsigned long seed;    /* default 20110901 (bootstrap and permutations) */
    int adjust;            /* ZF_ADJ_*, default Holm over contrasts within a metric and procedure */
    size_t nperm;          /* permutation test: random splits, default 10000 (exact when fewer splits) */
    int mw_exact_ties;     /* 1: exact conditional Mann-Whitney p with ties (n < 50); default 0 (as R) */
} zf_compare_opts;
void zf_compare_opts_default(zf_compare_opts *o);

/* Compare every level of group[] against opts->control on metric values
 * value[] (n subjects; NaN values are dropped and counted in the note).
 * Levels: the control first, then the others in order of first appearance.
 * Appends, for each other level (contrast "<level> - <control>"), the rows
 * welch_t, student_t, mann_whitney, permutation, mean_diff, median_diff,
 * cohens_d, hedges_g; then, when there are more than two levels, anova,
 * welch_anova and kruskal_wallis (contrast "omnibus", n1 = all subjects,
 * n2 = 0), tukey_hsd and dunn for every pair and dunnett for every level
 * against the control. p_adjusted: opts->adjust over the contrasts of one
 * procedure (welch_t, student_t, mann_whitney, permutation, dunn); tukey_hsd
 * and dunnett are adjusted by their own distribution ("single-step"); omnibus
 * tests are families of one ("none", p_adjusted = p); effect sizes have no p. */
int zf_stats_compare(zf_stat_table *t, const char *metric, const char *const *group,
                     const double *value, size_t n, const zf_compare_opts *opts);

/* Read a tidy CSV (one row per animal: a factor column and metric columns,
 * delimiter detected) and append the comparisons of every metric to t.
 * metrics: the columns to compare (nmetrics of them), or NULL for every
 * column whose first non-missing cell is a number, except the factor and an
 * id column named subject or id. Every cell of a compared column must be a
 * number or missing ("'file':LINE: column N 'name': expected a number, got "x""
 * otherwise, ZF_EPARSE); an unknown column is ZF_EPARSE too. */
int zf_stats_compare_csv(zf_stat_table *t, const char *path, const char *factor,
                         const char *const *metrics, size_t nmetrics, const zf_compare_opts *opts);

/* Write the table as CSV with the header
 * metric,contrast,procedure,n1,n2,estimate,ci_low,ci_high,statistic,df,df2,p,p_adjusted,adjust_method,note
 * (numbers with 17 significant digits, NaN as empty). Atomic. */
int zf_stat_table_write_csv(const zf_stat_table *t, const char *path);

/* ---- bootstrap distributions of an effect (pipeline/stats/bootdist.c) ---- */

/* Effect sizes of an estimation plot: the ZF_EFFECT_* above, x (treatment) against y (control). */
const char *zf_effect_name(int effect); /* "mean_diff", "median_diff", "cohens_d", "hedges_g"; "unknown" */
int zf_effect_parse(const char *name);  /* ZF_EFFECT_*, -1 when unknown */

/* An effect, its bootstrap distribution and BCa 95% CI. boot is malloc'd and
 * owned by the struct (free with zf_boot_dist_free); fields that do not
 * apply are NaN and the note says why. */
typedef struct zf_boot_dist {
    double estimate, ci_low, ci_high;
    double *boot;   /* the valid resamples, sorted ascending */
    size_t n;       /* number of them (resamples without a defined effect are dropped) */
    char note[128];
} zf_boot_dist;

/* Bootstrap nboot resamples within each group with the draws of
 * zf_effect_sizes (same seed, same resamples, so the estimate and CI equal
 * the stats table's row for that effect), NaN values dropped. *out is
 * overwritten (not freed first). */
int zf_bootstrap_effect(const double *x, size_t nx, const double *y, size_t ny, int effect,
                        size_t nboot, unsigned long seed, zf_boot_dist *out);
void zf_boot_dist_free(zf_boot_dist *d); /* keeps the struct; NULL is a no-op */

/* ---- Statistics II: designs beyond one factor (docs/STATISTICS.md) ----
 * Every function below appends rows to t only when the whole analysis of the
 * metric succeeded; degenerate data give NaN fields and a note, as above. */

/* Assumption checks, reported beside the tests and never used to switch them. */
/* Shapiro-Wilk W test of normality after Royston (1992, 1995; AS R94)
 * (R: shapiro.test(x)): estimate = statistic = W, p. Needs 3 <= n <= 5000
 * values (NaN dropped) that are not all equal. */
int zf_test_shapiro_wilk(const double *x, size_t n, zf_test_result *r);
/* Brown-Forsythe test of equal variances: one-way ANOVA of the absolute
 * deviations from the group medians (R: car::leveneTest(v ~ g, center = median)):
 * estimate = statistic = F, df = k-1, df2 = N-k. */
int zf_test_brown_forsythe(const double *const *groups, const size_t *n, size_t k, zf_test_result *r);
/* Jonckheere-Terpstra test for a trend over groups in the given order:
 * estimate = statistic = J (pairs of groups i < j with x_i < x_j, ties
 * counting 1/2), two-sided p: exact when there are no ties and N <= 100,
 * otherwise the normal approximation with the tie-corrected variance. */
int zf_test_jonckheere(const double *const *groups, const size_t *n, size_t k, zf_test_result *r);

/* Shapiro-Wilk per level of group[] (contrast = the level; control first
 * when present, then order of first appearance) and Brown-Forsythe across
 * the levels (contrast "omnibus"): the checks beside zf_stats_compare. */
int zf_stats_checks(zf_stat_table *t, const char *metric, const char *const *group,
                    const double *value, size_t n, const zf_compare_opts *opts);

/* Between-subjects factorial design on linear models (GSL least squares):
 * nfactors (1 to ZF_MAX_FACTORS) factors named factor[], observation i at
 * level levels[i * nfactors + f] of factor f (levels in order of first
 * appearance), value[i] the response (NaN dropped). Rows:
 *   anova_type2, anova_type3: one per term in R's order (A, B, A:B, ...);
 *     estimate = statistic = F, df the term's, df2 the residual df. Type III
 *     uses sum-to-zero contrasts (car::Anova(type = 3) with contr.sum); with
 *     an empty cell it is not defined (NaN, note) while type II is the
 *     model comparison car::Anova(type = 2) makes;
 *   simple_effect: every factor within every combination of the others
 *     ("A | B=b1"), F with the pooled error (emmeans::joint_tests);
 *   emmeans: estimated marginal means of every margin ("A=a1", "A=a1:C=c2",
 *     full cells "a1:b2") with 95% CIs, df = residual df;
 *   pairwise_t: every pair of cells ("a2:b1 - a1:b1", later minus earlier in
 *     R's cell order, first factor fastest) with the pooled SD, unadjusted
 *     95% CI, p adjusted with opts->adjust across the pairs;
 *   shapiro_wilk per cell and brown_forsythe across the cells (contrast = the
 *     full term, "A:B"). */
#define ZF_MAX_FACTORS 4
int zf_stats_factorial(zf_stat_table *t, const char *metric, const char *const *factor, size_t nfactors,
                       const char *const *levels, const double *value, size_t n, const zf_compare_opts *opts);

/* Split-plot (mixed) ANOVA: group between subjects (factor named factor,
 * group[i] of subject i; factor and group NULL for one group), within factor
 * named within with k levels labelled wlabel[]; y[i * k + b] the value of
 * subject i at level b. Subjects with a missing value are left out of the
 * ANOVA (noted). Rows: mixed_anova for factor, within and factor:within
 * (type II, as aov with Error strata and car::Anova on the multivariate
 * model); mixed_anova_gg and mixed_anova_hf for the within terms (estimate =
 * the Greenhouse-Geisser / Huynh-Feldt-Lecoutre epsilon, df and df2 scaled
 * by min(1, epsilon), corrected p); mauchly (estimate = W); welch_t of every
 * level against opts->control at every level of within ("ket - control |
 * bin=60", opts->adjust across them); shapiro_wilk and brown_forsythe on the
 * subject means. */
int zf_stats_repeated(zf_stat_table *t, const char *metric, const char *factor, const char *within,
                      const char *const *group, const double *y, size_t nsub,
                      const char *const *wlabel, size_t k, const zf_compare_opts *opts);

/* A log-logistic dose-response fit (drc's LL.4 / LL.3 parametrisation):
 * f(x) = c + (d - c) / (1 + exp(b (ln x - ln e))), f(0) = d for b > 0 and c
 * for b < 0 (dose 0 is the control plateau, never log 0); the 3-parameter
 * model fixes c = 0. The 4-parameter fit is reported with c <= d (b < 0 for
 * a rising curve). Standard errors from s^2 (J'J)^-1 (R: summary(nls(...))). */
typedef struct zf_loglogistic {
    size_t npar;                /* 4 or 3 */
    double b, c, d, e;          /* slope, lower, upper, EC50 */
    double se_b, se_c, se_d, se_log_e; /* se_c NaN for 3 parameters */
    double ec50_low, ec50_high; /* exp(ln e -+ t(0.975, df) se_log_e) (delta method on ln EC50) */
    double rss, rse, df;        /* residual sum of squares, residual SE, n - npar */
    double lof_f, lof_df, lof_df2, lof_p; /* lack of fit against the dose means (NaN without replicates) */
    char note[128];
} zf_loglogistic;
/* Fit dose[i] (>= 0), y[i] (pairs with a NaN dropped) with npar 4 or 3
 * (gsl_multifit_nlinear, several starting points, the least residual sum of
 * squares kept). A fit that cannot be made (too few doses, no convergence)
 * gives NaN fields and a note; negative doses are ZF_EDATA. */
int zf_fit_loglogistic(const double *dose, const double *y, size_t n, size_t npar, zf_loglogistic *fit);

/* Dose-response of one metric: loglogistic4 and loglogistic3 rows (contrasts
 * ec50, slope, lower (4 only), upper, residual_se, lack_of_fit), jonckheere
 * over the doses in increasing order (contrast = dose_name), shapiro_wilk per
 * dose and brown_forsythe across doses (contrast = dose_name). */
int zf_stats_dose(zf_stat_table *t, const char *metric, const char *dose_name, const double *dose,
                  const double *value, size_t n, const zf_compare_opts *opts);

/* The family a correction runs over. ZF_FAMILY_METRIC (default): the
 * contrasts of one procedure within one metric. ZF_FAMILY_STUDY: every p of a
 * procedure across all metrics and contrasts of the table (tests of one, such
 * as anova or anova_type2 terms, included; single-step post hoc tests,
 * assumption checks and fits excluded), conditional rows ("... | bin=60")
 * a family apart. */
enum { ZF_FAMILY_METRIC = 0, ZF_FAMILY_STUDY = 1 };
const char *zf_family_name(int family); /* "metric", "study"; "unknown" */
int zf_family_parse(const char *name);  /* -1 when unknown */
/* Re-adjust t with method over the study-wide families (ZF_FAMILY_STUDY). */
int zf_stat_table_adjust_study(zf_stat_table *t, int method);

/* A design read from a tidy CSV ('zfstress stats --table'). */
enum { ZF_DESIGN_GROUPS, ZF_DESIGN_FACTORIAL, ZF_DESIGN_REPEATED, ZF_DESIGN_DOSE };
typedef struct zf_design {
    int kind;                   /* ZF_DESIGN_* */
    const char *const *factors; /* GROUPS: 1; FACTORIAL: 1 to ZF_MAX_FACTORS; REPEATED: 0 or 1 */
    size_t nfactors;
    const char *within;         /* REPEATED: column of the within-subject factor; "bin" falls back
                                   to bin_start_s (binned.csv) when there is no column bin */
    const char *subject;        /* REPEATED: column naming the subject (one row per subject and level) */
    const char *dose;           /* DOSE: numeric dose column */
    int checks;                 /* GROUPS: also zf_stats_checks (the other designs always check) */
} zf_design;
/* Run design d on every metric column of the tidy CSV at path (metrics, or
 * every numeric column except the design's columns and an id column named
 * subject or id; for REPEATED also except columns constant within every
 * subject). Errors name file, line and column as zf_stats_compare_csv. */
int zf_stats_design_csv(zf_stat_table *t, const char *path, const zf_design *d,
                        const char *const *metrics, size_t nmetrics, const zf_compare_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
