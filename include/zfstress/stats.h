/* stats.h: group comparisons (Welch/Student t, Mann-Whitney U, Hedges' g with BCa bootstrap CI), p-value corrections and the tidy results table. */
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
/* Hedges' g (x vs y, pooled SD, exact gamma correction J = G(m/2)/(sqrt(m/2) G((m-1)/2)), m = nx+ny-2)
 * with a BCa bootstrap 95% CI: nboot resamples within each group, seeded;
 * jackknife over the concatenated groups for the acceleration (DABEST). */
int zf_effect_hedges_g(const double *x, size_t nx, const double *y, size_t ny,
                       size_t nboot, unsigned long seed, zf_test_result *r);

/* p-value adjustment across a family (R: p.adjust). NaN p values are left NaN
 * and not counted in the family size. */
enum { ZF_ADJ_NONE = 0, ZF_ADJ_HOLM, ZF_ADJ_BONFERRONI, ZF_ADJ_HOCHBERG, ZF_ADJ_BH };
int zf_p_adjust(const double *p, size_t n, int method, double *out);
const char *zf_adjust_name(int method);  /* "holm", ... ; "none" */
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
    unsigned long seed;    /* default 20110901 */
    int adjust;            /* ZF_ADJ_*, default Holm over contrasts within a metric and procedure */
} zf_compare_opts;
void zf_compare_opts_default(zf_compare_opts *o);

/* Compare every level of group[] against opts->control on metric values
 * value[] (n subjects; NaN values are dropped and counted in the note).
 * Levels are taken in order of first appearance. Appends welch_t,
 * mann_whitney and hedges_g rows for each level, with p_adjusted over the
 * level contrasts of each procedure. */
int zf_stats_compare(zf_stat_table *t, const char *metric, const char *const *group,
                     const double *value, size_t n, const zf_compare_opts *opts);

/* Write the table as CSV with the header
 * metric,contrast,procedure,n1,n2,estimate,ci_low,ci_high,statistic,df,df2,p,p_adjusted,adjust_method,note
 * (numbers with 17 significant digits, NaN as empty). Atomic. */
int zf_stat_table_write_csv(const zf_stat_table *t, const char *path);

#ifdef __cplusplus
}
#endif
#endif
