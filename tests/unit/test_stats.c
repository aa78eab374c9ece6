/* test_stats.c: the statistics module against R (tests/reference/stats_*.csv from scripts/ref_stats.R), BCa properties, degenerate inputs, the results table. */
#include "zfstress/core.h"
#include "zfstress/stats.h"

#include "check.h"
#include "refs.h"
#include "testutil.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REL 1e-10
#ifndef REL_TUKEY
#define REL_TUKEY 1e-8
#endif
#ifndef REL_DUNNETT
#define REL_DUNNETT 1e-6
#endif

static char qname[64];
static const char *qn(const char *a, const char *b)
{
    snprintf(qname, sizeof qname, "%s.%s", a, b);
    return qname;
}

/* ---- two-sample procedures against R ---- */

static void check_dataset(const char *ds)
{
    size_t nx, ny;
    double *x = ref_vec(ds, "x", &nx), *y = ref_vec(ds, "y", &ny);
    zf_test_result r;
    CHECK(x && y && nx > 0 && ny > 0);
    if (!x || !y || !nx || !ny)
        goto done;
    fprintf(stderr, "dataset %s (%zu vs %zu)\n", ds, nx, ny);

    for (int pooled = 0; pooled <= 1; pooled++) {
        const char *pre = pooled ? "student" : "welch";
        CHECK_OK(pooled ? zf_test_student(x, nx, y, ny, &r) : zf_test_welch(x, nx, y, ny, &r));
        CHECK_NEAR(r.estimate, ref(ds, qn(pre, "estimate")), REL);
        CHECK_NEAR(r.statistic, ref(ds, qn(pre, "statistic")), REL);
        CHECK_NEAR(r.df, ref(ds, qn(pre, "df")), REL);
        CHECK_NEAR(r.p, ref(ds, qn(pre, "p")), REL);
        CHECK_NEAR(r.ci_low, ref(ds, qn(pre, "ci_low")), REL);
        CHECK_NEAR(r.ci_high, ref(ds, qn(pre, "ci_high")), REL);
        CHECK(isnan(r.df2));
        CHECK(r.note[0] == '\0');
    }

    CHECK_OK(zf_test_mann_whitney(x, nx, y, ny, &r));
    CHECK_NEAR(r.statistic, ref(ds, "mw.statistic"), REL);
    CHECK_NEAR(r.p, ref(ds, "mw.p"), REL);
    CHECK_NEAR(r.estimate, ref(ds, "mw.estimate"), REL);
    CHECK((strcmp(r.note, "exact") == 0) == (ref(ds, "mw.exact") == 1.0));
    CHECK(isnan(r.ci_low) && isnan(r.ci_high) && isnan(r.df));

    CHECK_OK(zf_effect_hedges_g(x, nx, y, ny, 0, 1, &r));
    CHECK_NEAR(r.estimate, ref(ds, "hedges.g"), REL);
    CHECK(isnan(r.ci_low) && isnan(r.p));
    CHECK_OK(zf_effect_cohens_d(x, nx, y, ny, 0, 1, &r));
    CHECK_NEAR(r.estimate, ref(ds, "cohens.d"), REL);
    CHECK_OK(zf_effect_mean_diff(x, nx, y, ny, 0, 1, &r));
    CHECK_NEAR(r.estimate, ref(ds, "mean.estimate"), REL);
    CHECK_OK(zf_effect_median_diff(x, nx, y, ny, 0, 1, &r));
    CHECK_NEAR(r.estimate, ref(ds, "median.estimate"), REL);

    /* exact conditional Mann-Whitney p with ties (R: coin), else as without the option */
    CHECK_OK(zf_test_mann_whitney_ex(x, nx, y, ny, 1, &r));
    CHECK_NEAR(r.statistic, ref(ds, "mw.statistic"), REL);
    if (has_ref(ds, "mwx.p")) {
        CHECK_NEAR(r.p, ref(ds, "mwx.p"), REL);
        CHECK(strstr(r.note, "exact conditional") != NULL);
    } else if (nx < 50 && ny < 50) {
        CHECK_NEAR(r.p, ref(ds, "mw.p"), REL);
    }

    /* permutation: exact enumeration when at most nperm splits (R: combn) */
    if (has_ref(ds, "perm.p")) {
        CHECK_OK(zf_test_permutation(x, nx, y, ny, 10000, 1, &r));
        CHECK_NEAR(r.p, ref(ds, "perm.p"), REL);
        CHECK_NEAR(r.estimate, ref(ds, "mean.estimate"), REL);
        CHECK(strstr(r.note, "exact") != NULL);
    }

    if (has_ref(ds, "bca.B")) {
        /* R's BCa (same algorithm, independent code and RNG) with B = 4e5:
         * across seeds each end varies with an SD of about 0.005 in both
         * implementations, so they must agree to a few hundredths. */
        size_t B = (size_t)ref(ds, "bca.B");
        CHECK_OK(zf_effect_hedges_g(x, nx, y, ny, B, 7, &r));
        fprintf(stderr, "  BCa C [%.4f, %.4f] R [%.4f, %.4f]\n", r.ci_low, r.ci_high,
                ref(ds, "bca.ci_low"), ref(ds, "bca.ci_high"));
        CHECK_ABS(r.ci_low, ref(ds, "bca.ci_low"), 0.03);
        CHECK_ABS(r.ci_high, ref(ds, "bca.ci_high"), 0.03);
        CHECK(r.ci_low < r.estimate && r.estimate < r.ci_high);
        /* the other effects, from the same resamples: within 2% of the CI width
         * (5% for the median, whose bootstrap distribution is discrete) */
        {
            static const char *const nm[] = {"bca_mean", "bca_median", "bca_d"};
            zf_test_result all[ZF_EFFECT_COUNT];
            CHECK_OK(zf_effect_sizes(x, nx, y, ny, B, 7, all));
            CHECK(all[ZF_EFFECT_HEDGES_G].ci_low == r.ci_low && all[ZF_EFFECT_HEDGES_G].ci_high == r.ci_high);
            for (int e = 0; e < 3; e++) {
                const zf_test_result *a = &all[e];
                double lo = ref(ds, qn(nm[e], "ci_low")), hi = ref(ds, qn(nm[e], "ci_high"));
                double tol = (e == 1 ? 0.05 : 0.02) * (hi - lo);
                fprintf(stderr, "  %s C [%.4f, %.4f] R [%.4f, %.4f]\n", nm[e], a->ci_low, a->ci_high, lo, hi);
                CHECK_ABS(a->ci_low, lo, tol);
                CHECK_ABS(a->ci_high, hi, tol);
            }
        }
    }
done:
    free(x);
    free(y);
}

static void test_p_adjust(void)
{
    static const char *const methods[] = {"holm", "bonferroni", "hochberg", "BH", "BY", "sidak", "holm-sidak"};
    size_t n, ne;
    double *p = ref_vec("padj", "p", &n);
    double *out = malloc((n ? n : 1) * sizeof *out);
    CHECK(p && out && n > 5);
    if (!p || !out)
        goto done;
    for (size_t k = 0; k < sizeof methods / sizeof methods[0]; k++) {
        int m = zf_adjust_parse(methods[k]);
        double *e = ref_vec("padj", methods[k], &ne);
        CHECK(m > 0);
        CHECK(strcmp(zf_adjust_name(m), methods[k]) == 0);
        CHECK_OK(zf_p_adjust(p, n, m, out));
        CHECK(e && ne == n);
        for (size_t i = 0; e && i < n && i < ne; i++)
            CHECK_NEAR(out[i], e[i], REL);
        free(e);
    }
    CHECK_OK(zf_p_adjust(p, n, ZF_ADJ_NONE, out));
    for (size_t i = 0; i < n; i++)
        CHECK_NEAR(out[i], p[i], 0.0);
    /* In place. */
    {
        double q[3] = {0.02, NAN, 0.01}, e[3] = {0.02, NAN, 0.02};
        CHECK_OK(zf_p_adjust(q, 3, ZF_ADJ_HOLM, q));
        for (int i = 0; i < 3; i++)
            CHECK_NEAR(q[i], e[i], REL);
    }
    /* Errors leave the output alone. */
    {
        double bad[2] = {0.5, 1.5}, o[2] = {-1.0, -1.0};
        CHECK(zf_p_adjust(bad, 2, ZF_ADJ_HOLM, o) == ZF_EINVAL);
        CHECK(o[0] == -1.0 && o[1] == -1.0);
        CHECK(zf_p_adjust(p, n, 42, out) == ZF_EINVAL);
        CHECK_OK(zf_p_adjust(NULL, 0, ZF_ADJ_BH, NULL));
    }
    CHECK(zf_adjust_parse("fdr") == ZF_ADJ_BH);
    CHECK(zf_adjust_parse("bh") == ZF_ADJ_BH);
    CHECK(zf_adjust_parse("none") == ZF_ADJ_NONE);
    CHECK(zf_adjust_parse("bogus") == -1);
    CHECK(zf_adjust_parse(NULL) == -1);
done:
    free(p);
    free(out);
}

/* ---- BCa: determinism, coverage of g, and an independent plain recomputation ---- */

static double plain_g(const double *x, size_t nx, const double *y, size_t ny)
{
    double sx = 0, sy = 0, mx, my, ss = 0, m = (double)(nx + ny - 2), j;
    for (size_t i = 0; i < nx; i++) sx += x[i];
    for (size_t i = 0; i < ny; i++) sy += y[i];
    mx = sx / (double)nx;
    my = sy / (double)ny;
    for (size_t i = 0; i < nx; i++) ss += (x[i] - mx) * (x[i] - mx);
    for (size_t i = 0; i < ny; i++) ss += (y[i] - my) * (y[i] - my);
    j = gsl_sf_gamma(m / 2) / (sqrt(m / 2) * gsl_sf_gamma((m - 1) / 2));
    return (mx - my) / sqrt(ss / m) * j;
}

static int cmp_double(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}

/* The documented draws: gsl_rng_taus2 seeded with seed; each 32-bit output
 * gives its low, then its high 16 bits; an index below n is (h * n) >> 16 of
 * a half h, rejecting h when (h * n) mod 2^16 < 2^16 mod n. */
typedef struct {
    gsl_rng *r;
    unsigned long spare;
    int has;
} halves;

static unsigned long next_half(halves *h)
{
    unsigned long w;
    if (h->has) {
        h->has = 0;
        return h->spare;
    }
    w = gsl_rng_get(h->r);
    h->spare = w >> 16;
    h->has = 1;
    return w & 0xffffUL;
}

static size_t draw(halves *h, size_t n)
{
    for (;;) {
        unsigned long m = next_half(h) * n;
        if ((m & 0xffffUL) >= 65536UL % n)
            return (size_t)(m >> 16);
    }
}

/* Straight from Efron (1987) and the DABEST description, same draws (into
 * the values sorted ascending, as documented). */
static void plain_bca(const double *xin, size_t nx, const double *yin, size_t ny, size_t B,
                      unsigned long seed, double ci[2])
{
    halves h = {gsl_rng_alloc(gsl_rng_taus2), 0, 0};
    double *gb = malloc(B * sizeof *gb), bx[64], by[64], jk[128], x[64], y[64];
    double g, below = 0, z0, jm = 0, s2 = 0, s3 = 0, a;
    const double zq[2] = {-1.959963984540054, 1.959963984540054};
    if (!h.r || !gb || nx > 64 || ny > 64) {
        CHECK(0);
        goto done;
    }
    memcpy(x, xin, nx * sizeof *x);
    memcpy(y, yin, ny * sizeof *y);
    qsort(x, nx, sizeof *x, cmp_double);
    qsort(y, ny, sizeof *y, cmp_double);
    g = plain_g(x, nx, y, ny);
    gsl_rng_set(h.r, seed);
    for (size_t b = 0; b < B; b++) {
        for (size_t i = 0; i < nx; i++) bx[i] = x[draw(&h, nx)];
        for (size_t i = 0; i < ny; i++) by[i] = y[draw(&h, ny)];
        gb[b] = plain_g(bx, nx, by, ny);
        below += gb[b] < g;
    }
    qsort(gb, B, sizeof *gb, cmp_double);
    z0 = gsl_cdf_ugaussian_Pinv(below / (double)B);
    for (size_t i = 0; i < nx + ny; i++) {
        size_t k = 0;
        double *buf = i < nx ? bx : by;
        const double *src = i < nx ? x : y;
        size_t ns = i < nx ? nx : ny, skip = i < nx ? i : i - nx;
        for (size_t j = 0; j < ns; j++)
            if (j != skip) buf[k++] = src[j];
        jk[i] = i < nx ? plain_g(bx, nx - 1, y, ny) : plain_g(x, nx, by, ny - 1);
        jm += jk[i] / (double)(nx + ny);
    }
    for (size_t i = 0; i < nx + ny; i++) {
        s2 += (jm - jk[i]) * (jm - jk[i]);
        s3 += (jm - jk[i]) * (jm - jk[i]) * (jm - jk[i]);
    }
    a = s3 / (6 * pow(s2, 1.5));
    for (int e = 0; e < 2; e++) {
        double lev = gsl_cdf_ugaussian_P(z0 + (z0 + zq[e]) / (1 - a * (z0 + zq[e])));
        double hh = (double)(B - 1) * lev;
        size_t lo = (size_t)floor(hh);
        ci[e] = lo + 1 < B ? gb[lo] + (hh - (double)lo) * (gb[lo + 1] - gb[lo]) : gb[B - 1];
    }
done:
    gsl_rng_free(h.r);
    free(gb);
}

static void test_bca(void)
{
    const double x[] = {12.1, 13.4, 11.8, 14.2, 12.9, 13.7, 15.1, 12.5, 13.3, 14.0, 12.2, 13.9};
    const double y[] = {10.2, 11.1, 9.8, 10.9, 11.6, 10.4, 9.5, 11.0, 10.7, 10.1};
    const size_t nx = sizeof x / sizeof x[0], ny = sizeof y / sizeof y[0];
    zf_test_result r1, r2, r3;
    double ci[2] = {NAN, NAN};

    CHECK_OK(zf_effect_hedges_g(x, nx, y, ny, 5000, 20110901UL, &r1));
    CHECK_OK(zf_effect_hedges_g(x, nx, y, ny, 5000, 20110901UL, &r2));
    CHECK_OK(zf_effect_hedges_g(x, nx, y, ny, 5000, 12345UL, &r3));
    CHECK(r1.ci_low == r2.ci_low && r1.ci_high == r2.ci_high);   /* same seed, same CI */
    CHECK(r1.ci_low != r3.ci_low || r1.ci_high != r3.ci_high);   /* the seed matters */
    CHECK_NEAR(r1.estimate, plain_g(x, nx, y, ny), 1e-12);
    CHECK(r1.estimate > 2.0);                                    /* a clear effect */
    CHECK(r1.ci_low > 1.0 && r1.ci_low < r1.estimate && r1.estimate < r1.ci_high);
    CHECK(fabs(r3.ci_low - r1.ci_low) < 0.2 && fabs(r3.ci_high - r1.ci_high) < 0.3);
    CHECK(isnan(r1.p) && isnan(r1.statistic));
    CHECK(r1.note[0] == '\0');

    plain_bca(x, nx, y, ny, 5000, 20110901UL, ci);
    CHECK_NEAR(r1.ci_low, ci[0], 1e-12);
    CHECK_NEAR(r1.ci_high, ci[1], 1e-12);

    /* Reversing the groups mirrors g (the CI is a different resampling, but near). */
    CHECK_OK(zf_effect_hedges_g(y, ny, x, nx, 5000, 20110901UL, &r2));
    CHECK_NEAR(r2.estimate, -r1.estimate, 1e-12);
    CHECK(r2.ci_high < 0);
}

/* ---- degenerate inputs: ZF_OK, NaN, a note ---- */

static void test_degenerate(void)
{
    const double one[] = {4.0}, three[] = {1.0, 2.0, 3.5};
    const double c2a[] = {2.0, 2.0, 2.0}, c2b[] = {2.0, 2.0, 2.0, 2.0}, c5[] = {5.0, 5.0, 5.0};
    const double allnan[] = {NAN, NAN}, withnan[] = {1.0, NAN, 2.0, 3.5};
    const double withinf[] = {1.0, INFINITY, 2.0}, two[] = {1.0, 2.0}, two2[] = {3.0, 4.5};
    zf_test_result r, s;

    /* n = 1 in a group */
    CHECK_OK(zf_test_welch(one, 1, three, 3, &r));
    CHECK(isnan(r.p) && isnan(r.statistic) && isnan(r.ci_low) && strstr(r.note, "fewer than 2"));
    CHECK_NEAR(r.estimate, 4.0 - 6.5 / 3.0, REL);
    CHECK_OK(zf_test_student(three, 3, one, 1, &r));
    CHECK(isnan(r.p) && strstr(r.note, "fewer than 2"));
    CHECK_OK(zf_effect_hedges_g(one, 1, three, 3, 100, 1, &r));
    CHECK(isnan(r.estimate) && isnan(r.ci_low) && strstr(r.note, "fewer than 2"));
    CHECK_OK(zf_test_mann_whitney(one, 1, three, 3, &r)); /* defined: exact, p = 1/2 * 2 */
    CHECK_NEAR(r.statistic, 3.0, REL);
    CHECK_NEAR(r.p, 0.5, REL);

    /* zero variance in both groups */
    CHECK_OK(zf_test_welch(c2a, 3, c2b, 4, &r));
    CHECK(isnan(r.p) && isnan(r.statistic) && strstr(r.note, "constant"));
    CHECK_NEAR(r.estimate, 0.0, REL);
    CHECK_OK(zf_test_student(c5, 3, c2b, 4, &r));
    CHECK(isnan(r.p) && strstr(r.note, "constant"));
    CHECK_OK(zf_effect_hedges_g(c5, 3, c2b, 4, 100, 1, &r));
    CHECK(isnan(r.estimate) && isnan(r.ci_low) && strstr(r.note, "zero variance"));
    CHECK_OK(zf_test_mann_whitney(c2a, 3, c2b, 4, &r));
    CHECK(isnan(r.p) && strstr(r.note, "tied"));
    CHECK_NEAR(r.statistic, 6.0, REL);
    /* zero variance in one group only is fine for Welch: df = n - 1 of the other */
    CHECK_OK(zf_test_welch(c5, 3, three, 3, &r));
    CHECK_NEAR(r.df, 2.0, REL);
    CHECK(r.p > 0 && r.p < 1);

    /* all NaN */
    CHECK_OK(zf_test_welch(allnan, 2, three, 3, &r));
    CHECK(isnan(r.estimate) && isnan(r.p) && strstr(r.note, "2 missing values dropped") && strstr(r.note, "empty"));
    CHECK_OK(zf_test_mann_whitney(allnan, 2, three, 3, &r));
    CHECK(isnan(r.statistic) && isnan(r.p) && strstr(r.note, "empty group"));
    CHECK_OK(zf_effect_hedges_g(three, 3, allnan, 2, 100, 1, &r));
    CHECK(isnan(r.estimate) && strstr(r.note, "missing"));
    CHECK_OK(zf_test_welch(allnan, 0, allnan, 0, &r));
    CHECK(isnan(r.estimate) && strstr(r.note, "empty"));

    /* NaN dropped: same numbers as without them */
    CHECK_OK(zf_test_welch(withnan, 4, c5, 3, &s));
    CHECK_OK(zf_test_welch(three, 3, c5, 3, &r));
    CHECK_NEAR(s.p, r.p, 0.0);
    CHECK(strcmp(s.note, "1 missing value dropped") == 0);

    /* infinite values: no numbers, a note */
    CHECK_OK(zf_test_welch(withinf, 3, three, 3, &r));
    CHECK(isnan(r.p) && isnan(r.estimate) && strstr(r.note, "infinite"));
    CHECK_OK(zf_effect_hedges_g(withinf, 3, three, 3, 100, 1, &r));
    CHECK(isnan(r.estimate) && strstr(r.note, "infinite"));

    /* g defined but no BCa CI: nboot 0, or n = 2 + 2 (jackknife has m = 1) */
    CHECK_OK(zf_effect_hedges_g(three, 3, c5, 3, 0, 1, &r));
    CHECK(isfinite(r.estimate) && isnan(r.ci_low) && strstr(r.note, "nboot"));
    CHECK_OK(zf_effect_hedges_g(two, 2, two2, 2, 1000, 1, &r));
    CHECK(isfinite(r.estimate) && isnan(r.ci_low) && isnan(r.ci_high) && strstr(r.note, "BCa"));
    /* small groups: some resamples have no variance and are dropped, with a note */
    CHECK_OK(zf_effect_hedges_g(three, 3, two2, 2, 2000, 3, &r));
    CHECK(isfinite(r.estimate));
    CHECK(strstr(r.note, "resamples") || strstr(r.note, "BCa"));

    /* invalid arguments */
    CHECK(zf_test_welch(NULL, 3, three, 3, &r) == ZF_EINVAL);
    CHECK(zf_test_mann_whitney(three, 3, three, 3, NULL) == ZF_EINVAL);
    CHECK(zf_effect_hedges_g(three, 3, NULL, 2, 10, 1, &r) == ZF_EINVAL);
}

static const zf_stat_row *find_row(const zf_stat_table *t, const char *metric, const char *contrast,
                                   const char *proc);

/* ---- more than two groups against R ---- */

/* The groups g1, g2, ... of a k-group dataset (malloc'd; free each and the arrays). */
static size_t load_groups(const char *ds, double **g, size_t *n, size_t max)
{
    size_t k = 0;
    for (; k < max; k++) {
        char name[32];
        snprintf(name, sizeof name, "g%zu", k + 1);
        g[k] = ref_vec(ds, name, &n[k]);
        if (!g[k] || n[k] == 0) {
            free(g[k]);
            break;
        }
    }
    return k;
}

static void check_k_group(const char *ds)
{
    double *g[8];
    size_t n[8], k = load_groups(ds, g, n, 8), np, nv;
    const double *cg[8];
    zf_test_result r, out[28];
    double *v;
    CHECK(k >= 3);
    for (size_t i = 0; i < k; i++)
        cg[i] = g[i];
    np = k * (k - 1) / 2;
    fprintf(stderr, "k-group dataset %s (%zu groups)\n", ds, k);

    CHECK_OK(zf_test_anova(cg, n, k, &r));
    CHECK_NEAR(r.statistic, ref(ds, "anova.F"), REL);
    CHECK_NEAR(r.estimate, ref(ds, "anova.F"), REL);
    CHECK_NEAR(r.df, ref(ds, "anova.df"), REL);
    CHECK_NEAR(r.df2, ref(ds, "anova.df2"), REL);
    CHECK_NEAR(r.p, ref(ds, "anova.p"), REL);
    CHECK_OK(zf_test_welch_anova(cg, n, k, &r));
    CHECK_NEAR(r.statistic, ref(ds, "welch.F"), REL);
    CHECK_NEAR(r.df, ref(ds, "welch.df"), REL);
    CHECK_NEAR(r.df2, ref(ds, "welch.df2"), REL);
    CHECK_NEAR(r.p, ref(ds, "welch.p"), REL);
    CHECK_OK(zf_test_kruskal(cg, n, k, &r));
    CHECK_NEAR(r.statistic, ref(ds, "kw.H"), REL);
    CHECK_NEAR(r.df, ref(ds, "kw.df"), REL);
    CHECK_NEAR(r.p, ref(ds, "kw.p"), REL);

    /* Tukey HSD: differences and q exact; p against the high-precision
     * integral (1e-8) and R's TukeyHSD / ptukey (1e-8: every dataset has df >= 15);
     * the CI against qtukey by root finding on the integral (1e-8) and R's
     * TukeyHSD, whose qtukey is accurate to about 1e-6 */
    CHECK_OK(zf_posthoc_tukey(cg, n, k, out));
    for (size_t c = 0; c < np; c++) {
        size_t m;
        double *d = ref_vec(ds, "tukey.diff", &m), *q = ref_vec(ds, "tukey.q", &m);
        double *pi = ref_vec(ds, "tukey.p_int", &m), *pr = ref_vec(ds, "tukey.p_R", &m);
        double *li = ref_vec(ds, "tukey.lwr_int", &m), *ui = ref_vec(ds, "tukey.upr_int", &m);
        double *lr = ref_vec(ds, "tukey.lwr", &m), *ur = ref_vec(ds, "tukey.upr", &m);
        CHECK(m == np);
        if (m == np) {
            CHECK_NEAR(out[c].estimate, d[c], REL);
            CHECK_NEAR(out[c].statistic, q[c], REL);
            CHECK_NEAR(out[c].p, pi[c], REL_TUKEY);
            CHECK_NEAR(out[c].p, pr[c], REL_TUKEY);
            CHECK_NEAR(out[c].ci_low, li[c], REL_TUKEY);
            CHECK_NEAR(out[c].ci_high, ui[c], REL_TUKEY);
            CHECK_NEAR(out[c].ci_low, lr[c], 1e-5);
            CHECK_NEAR(out[c].ci_high, ur[c], 1e-5);
        }
        free(d); free(q); free(pi); free(pr); free(li); free(ui); free(lr); free(ur);
    }

    /* Dunnett against g1: against the deterministic integral in R (1e-6) and
     * mvtnorm's Monte Carlo (about 1e-4) */
    CHECK_OK(zf_posthoc_dunnett(cg, n, k, 0, out));
    {
        size_t m;
        double *d = ref_vec(ds, "dunnett.diff", &m), *t = ref_vec(ds, "dunnett.t", &m);
        double *pi = ref_vec(ds, "dunnett.p_int", &m), *pm = ref_vec(ds, "dunnett.p_mvt", &m);
        double *li = ref_vec(ds, "dunnett.lwr_int", &m), *ui = ref_vec(ds, "dunnett.upr_int", &m);
        CHECK(m == k - 1);
        for (size_t c = 0; c < m && c < k - 1; c++) {
            CHECK_NEAR(out[c].estimate, d[c], REL);
            CHECK_NEAR(out[c].statistic, t[c], REL);
            CHECK_NEAR(out[c].p, pi[c], REL_DUNNETT);
            CHECK_ABS(out[c].p, pm[c], 1e-4);
            CHECK_NEAR(out[c].ci_low, li[c], REL_DUNNETT);
            CHECK_NEAR(out[c].ci_high, ui[c], REL_DUNNETT);
        }
        free(d); free(t); free(pi); free(pm); free(li); free(ui);
    }

    /* Dunn, all pairs, and Holm over them */
    CHECK_OK(zf_posthoc_dunn(cg, n, k, (size_t)-1, out));
    {
        size_t m;
        double *d = ref_vec(ds, "dunn.diff", &m), *z = ref_vec(ds, "dunn.z", &m);
        double *pp = ref_vec(ds, "dunn.p", &m), *ph = ref_vec(ds, "dunn.p_holm", &m);
        double p[28], adj[28];
        CHECK(m == np);
        for (size_t c = 0; c < m && c < np; c++) {
            CHECK_NEAR(out[c].estimate, d[c], REL);
            CHECK_NEAR(out[c].statistic, z[c], REL);
            CHECK_NEAR(out[c].p, pp[c], REL);
            p[c] = out[c].p;
        }
        CHECK_OK(zf_p_adjust(p, np, ZF_ADJ_HOLM, adj));
        for (size_t c = 0; c < m && c < np; c++)
            CHECK_NEAR(adj[c], ph[c], REL);
        free(d); free(z); free(pp); free(ph);
    }
    /* Dunn against the control: the pairs (0, j) of the all-pairs run */
    {
        zf_test_result ctl[8];
        CHECK_OK(zf_posthoc_dunn(cg, n, k, 0, ctl));
        for (size_t j = 1; j < k; j++)
            CHECK_NEAR(ctl[j - 1].statistic, out[j - 1].statistic, 1e-15);
    }
    v = ref_vec(ds, "dunnett.ccrit_int", &nv);
    free(v);
    for (size_t i = 0; i < k; i++)
        free(g[i]);
}

/* The distributions against closed forms and R over a grid. */
static void test_distributions(void)
{
    size_t n, nq;
    double *k = ref_vec("ptukey", "k", &n), *df = ref_vec("ptukey", "df", &n), *q = ref_vec("ptukey", "q", &n);
    double *pi = ref_vec("ptukey", "p_int", &n), *pr = ref_vec("ptukey", "p_R", &n);
    double *qk = ref_vec("qtukey", "k", &nq), *qdf = ref_vec("qtukey", "df", &nq), *qi = ref_vec("qtukey", "q_int", &nq);
    double p, p2, c;
    CHECK(n == 80 && nq == 6);
    for (size_t i = 0; i < n; i++) {
        CHECK_OK(zf_ptukey(q[i], (size_t)k[i], df[i], 0, &p));
        CHECK_NEAR(p, pi[i], REL_TUKEY);
        /* R's ptukey is itself accurate to 1e-8 only from df = 20 on (7e-7 at df = 5) */
        if (df[i] >= 20)
            CHECK_NEAR(p, pr[i], REL_TUKEY);
        CHECK_OK(zf_ptukey(q[i], (size_t)k[i], df[i], 1, &p2));
        CHECK_NEAR(p + p2, 1.0, 1e-14);
    }
    for (size_t i = 0; i < nq; i++) {
        CHECK_OK(zf_qtukey(0.95, (size_t)qk[i], qdf[i], &c));
        CHECK_NEAR(c, qi[i], REL_TUKEY);
        CHECK_OK(zf_ptukey(c, (size_t)qk[i], qdf[i], 1, &p));
        CHECK_NEAR(p, 0.95, 1e-10);
    }
    /* k = 2: the range of two is sqrt(2) |T|; m = 1: Dunnett is |T| */
    {
        const double dfs[] = {3, 12, 44, 1e12}, xs[] = {0.4, 2.1, 4.5};
        const double lam = 0.6;
        for (size_t a = 0; a < 4; a++)
            for (size_t b = 0; b < 3; b++) {
                double t = 2.0 * (dfs[a] > 1e9 ? gsl_cdf_ugaussian_Q(xs[b] / sqrt(2.0)) : gsl_cdf_tdist_Q(xs[b] / sqrt(2.0), dfs[a]));
                CHECK_OK(zf_ptukey(xs[b], 2, dfs[a], 0, &p));
                CHECK_NEAR(p, t, REL);
                t = 2.0 * (dfs[a] > 1e9 ? gsl_cdf_ugaussian_Q(xs[b]) : gsl_cdf_tdist_Q(xs[b], dfs[a]));
                CHECK_OK(zf_pdunnett(xs[b], 1, &lam, dfs[a], 0, &p));
                CHECK_NEAR(p, t, REL);
            }
        CHECK_OK(zf_qtukey(0.95, 2, 10, &c));
        CHECK_NEAR(c, sqrt(2.0) * gsl_cdf_tdist_Qinv(0.025, 10), REL);
    }
    /* Equal correlations 1/2 (equal n): three contrasts vs the Bonferroni and
     * single-comparison bounds, and quantile / p consistency */
    {
        const double l3[3] = {M_SQRT1_2, M_SQRT1_2, M_SQRT1_2};
        CHECK_OK(zf_qdunnett(0.95, 3, l3, 20, &c));
        CHECK(c > gsl_cdf_tdist_Qinv(0.025, 20) && c < gsl_cdf_tdist_Qinv(0.05 / 6, 20));
        CHECK_OK(zf_pdunnett(c, 3, l3, 20, 0, &p));
        CHECK_NEAR(p, 0.05, 1e-10);
    }
    /* bad arguments */
    CHECK(zf_ptukey(3, 1, 10, 0, &p) == ZF_EINVAL);
    CHECK(zf_ptukey(3, 3, 0.5, 0, &p) == ZF_EINVAL);
    CHECK(zf_qtukey(1.0, 3, 10, &c) == ZF_EINVAL);
    {
        const double bad = 1.0;
        CHECK(zf_pdunnett(2, 1, &bad, 10, 0, &p) == ZF_EINVAL);
        CHECK(zf_pdunnett(2, 0, &bad, 10, 0, &p) == ZF_EINVAL);
    }
    free(k); free(df); free(q); free(pi); free(pr); free(qk); free(qdf); free(qi);
}

/* Monte-Carlo permutation p against the exact one (all 43758 splits of 8 + 10). */
static void test_permutation(void)
{
    size_t nx, ny;
    double *x = ref_vec("small_exact", "x", &nx), *y = ref_vec("small_exact", "y", &ny);
    zf_test_result ex, mc, mc2, mc3;
    CHECK_OK(zf_test_permutation(x, nx, y, ny, 50000, 1, &ex));
    CHECK(strstr(ex.note, "exact, 43758 splits") != NULL);
    CHECK_OK(zf_test_permutation(x, nx, y, ny, 10000, 5, &mc));
    CHECK_OK(zf_test_permutation(x, nx, y, ny, 10000, 5, &mc2));
    CHECK_OK(zf_test_permutation(x, nx, y, ny, 10000, 6, &mc3));
    CHECK(strstr(mc.note, "Monte Carlo, 10000 permutations") != NULL);
    CHECK(mc.p == mc2.p && mc.p != mc3.p);
    fprintf(stderr, "permutation: exact %.5f, Monte Carlo %.5f\n", ex.p, mc.p);
    /* within 4 binomial SE; never 0 */
    CHECK_ABS(mc.p, ex.p, 4.0 * sqrt(ex.p * (1.0 - ex.p) / 10000.0) + 1e-4);
    CHECK(mc.p >= 1.0 / 10001.0);
    CHECK_NEAR(mc.estimate, ref("small_exact", "mean.estimate"), REL);
    /* the exact p agrees with the t test's roughly */
    free(x);
    free(y);
}

/* Degenerate input for the newer procedures: defined results and notes. */
static void test_degenerate_more(void)
{
    const double a[] = {1.0, 2.0, 3.0}, b[] = {2.0, 4.0, 5.0, 6.0}, c[] = {7.0, 8.0, 9.5};
    const double k1[] = {5.0, 5.0, 5.0}, k2[] = {5.0, 5.0}, k3[] = {5.0, 5.0, 5.0, 5.0};
    const double one[] = {3.0}, nan2[] = {NAN, NAN}, withnan[] = {1.0, NAN, 2.5, 3.0};
    const double *g3[3] = {a, b, c}, *gk[3] = {k1, k2, k3}, *ge[3] = {a, nan2, c};
    const double *g1[3] = {one, one, one}, *gn[3] = {withnan, b, c};
    size_t n3[3] = {3, 4, 3}, nk[3] = {3, 2, 4}, ne[3] = {3, 2, 3}, n1[3] = {1, 1, 1}, nn[3] = {4, 4, 3};
    zf_test_result r, out[3], e[ZF_EFFECT_COUNT];

    /* all tied */
    CHECK_OK(zf_test_anova(gk, nk, 3, &r));
    CHECK(isnan(r.p) && strstr(r.note, "constant"));
    CHECK_OK(zf_test_welch_anova(gk, nk, 3, &r));
    CHECK(isnan(r.p) && strstr(r.note, "zero variance"));
    CHECK_OK(zf_test_kruskal(gk, nk, 3, &r));
    CHECK(isnan(r.p) && strstr(r.note, "all values tied"));
    CHECK_OK(zf_posthoc_tukey(gk, nk, 3, out));
    CHECK(isnan(out[0].p) && strstr(out[0].note, "constant"));
    CHECK_OK(zf_posthoc_dunnett(gk, nk, 3, 0, out));
    CHECK(isnan(out[1].p) && strstr(out[1].note, "constant"));
    CHECK_OK(zf_posthoc_dunn(gk, nk, 3, (size_t)-1, out));
    CHECK(isnan(out[2].p) && strstr(out[2].note, "all values tied") && out[2].estimate == 0.0);
    CHECK_OK(zf_test_permutation(k1, 3, k3, 4, 100, 1, &r));
    CHECK(r.p == 1.0 && strstr(r.note, "tied"));
    CHECK_OK(zf_effect_sizes(k1, 3, k3, 4, 200, 1, e));
    CHECK(e[ZF_EFFECT_MEAN_DIFF].estimate == 0.0 && isnan(e[ZF_EFFECT_MEAN_DIFF].ci_low));
    CHECK(isnan(e[ZF_EFFECT_COHENS_D].estimate) && strstr(e[ZF_EFFECT_COHENS_D].note, "zero variance"));

    /* an empty group (all NaN): left out of the omnibus tests, NaN in its pairs */
    CHECK_OK(zf_test_anova(ge, ne, 3, &r));
    CHECK(isfinite(r.p) && r.df == 1.0 && strstr(r.note, "2 missing values dropped") && strstr(r.note, "1 empty group"));
    CHECK_OK(zf_test_kruskal(ge, ne, 3, &r));
    CHECK(isfinite(r.p) && r.df == 1.0);
    CHECK_OK(zf_posthoc_tukey(ge, ne, 3, out));
    CHECK(isnan(out[0].p) && strstr(out[0].note, "empty group") && isfinite(out[1].p) && isnan(out[2].p));
    CHECK_OK(zf_posthoc_dunnett(ge, ne, 3, 0, out));
    CHECK(isnan(out[0].p) && isfinite(out[1].p));
    CHECK_OK(zf_posthoc_dunnett(ge, ne, 3, 1, out));
    CHECK(isnan(out[0].p) && strstr(out[0].note, "control group empty"));

    /* one value per group: no residual df */
    CHECK_OK(zf_test_anova(g1, n1, 3, &r));
    CHECK(isnan(r.p) && strstr(r.note, "degrees of freedom"));
    CHECK_OK(zf_test_welch_anova(g1, n1, 3, &r));
    CHECK(isnan(r.p));
    CHECK_OK(zf_posthoc_tukey(g1, n1, 3, out));
    CHECK(isnan(out[0].p) && strstr(out[0].note, "degrees of freedom"));
    CHECK_OK(zf_test_kruskal(g1, n1, 3, &r));
    CHECK(isnan(r.p) && strstr(r.note, "all values tied"));

    /* NaN dropped and counted; same numbers as without them */
    {
        const double clean[] = {1.0, 2.5, 3.0};
        const double *gc[3] = {clean, b, c};
        size_t nc[3] = {3, 4, 3};
        zf_test_result r2;
        CHECK_OK(zf_test_anova(gn, nn, 3, &r));
        CHECK_OK(zf_test_anova(gc, nc, 3, &r2));
        CHECK(r.p == r2.p && strcmp(r.note, "1 missing value dropped") == 0);
    }
    /* n < 2 in a group for the effect sizes: differences defined, no d, no CI */
    CHECK_OK(zf_effect_sizes(one, 1, a, 3, 100, 1, e));
    CHECK_NEAR(e[ZF_EFFECT_MEAN_DIFF].estimate, 1.0, REL);
    CHECK(isnan(e[ZF_EFFECT_MEAN_DIFF].ci_low) && strstr(e[ZF_EFFECT_MEAN_DIFF].note, "fewer than 2"));
    CHECK(isnan(e[ZF_EFFECT_HEDGES_G].estimate));
    CHECK_OK(zf_test_permutation(one, 1, a, 3, 100, 1, &r));
    CHECK(strstr(r.note, "exact, 4 splits") && r.p == 0.75); /* x = 3 vs 1, 2, 3: 3 of 4 splits as extreme */
    CHECK_OK(zf_test_permutation(nan2, 2, a, 3, 100, 1, &r));
    CHECK(isnan(r.p) && strstr(r.note, "empty group"));
    /* fewer than 2 groups with data */
    CHECK_OK(zf_test_anova(g3, n3, 1, &r));
    CHECK(isnan(r.p) && strstr(r.note, "fewer than 2 groups"));
    /* bad arguments */
    CHECK(zf_posthoc_dunnett(g3, n3, 3, 3, out) == ZF_EINVAL);
    CHECK(zf_test_anova(g3, n3, 3, NULL) == ZF_EINVAL);
    {
        const double *gbad[2] = {NULL, a};
        size_t nb[2] = {2, 3};
        CHECK(zf_test_kruskal(gbad, nb, 2, &r) == ZF_EINVAL);
    }
}

/* The k-group rows of zf_stats_compare against the 'multi' references. */
static void check_compare_k(const zf_stat_table *t)
{
    static const char *const pairs[3] = {"lo - control", "hi - control", "hi - lo"};
    const zf_stat_row *w;
    size_t m;
    double *v;
    w = find_row(t, "speed", "omnibus", "anova");
    CHECK(w && w->n1 == 27 && w->n2 == 0 && strcmp(w->adjust_method, "none") == 0);
    if (w) {
        CHECK_NEAR(w->statistic, ref("multi", "anova.F"), REL);
        CHECK_NEAR(w->p, ref("multi", "anova.p"), REL);
        CHECK(w->p_adjusted == w->p);
    }
    w = find_row(t, "speed", "omnibus", "welch_anova");
    CHECK(w != NULL);
    if (w)
        CHECK_NEAR(w->p, ref("multi", "welch.p"), REL);
    w = find_row(t, "speed", "omnibus", "kruskal_wallis");
    CHECK(w != NULL);
    if (w)
        CHECK_NEAR(w->statistic, ref("multi", "kw.H"), REL);
    v = ref_vec("multi", "tukey.p_int", &m);
    for (size_t c = 0; c < 3 && m == 3; c++) {
        w = find_row(t, "speed", pairs[c], "tukey_hsd");
        CHECK(w && strcmp(w->adjust_method, "single-step") == 0);
        if (w) {
            CHECK_NEAR(w->p, v[c], REL_TUKEY);
            CHECK(w->p_adjusted == w->p);
        }
    }
    free(v);
    v = ref_vec("multi", "dunnett.p_int", &m);
    for (size_t c = 0; c < 2 && m == 2; c++) {
        w = find_row(t, "speed", pairs[c], "dunnett");
        CHECK(w && strcmp(w->adjust_method, "single-step") == 0);
        if (w)
            CHECK_NEAR(w->p, v[c], REL_DUNNETT);
    }
    free(v);
    v = ref_vec("multi", "dunn.p_holm", &m);
    for (size_t c = 0; c < 3 && m == 3; c++) {
        w = find_row(t, "speed", pairs[c], "dunn");
        CHECK(w && strcmp(w->adjust_method, "holm") == 0);
        if (w)
            CHECK_NEAR(w->p_adjusted, v[c], REL);
    }
    free(v);
    w = find_row(t, "speed", "lo - control", "student_t");
    CHECK(w && w->n1 == 9 && w->n2 == 10);
    w = find_row(t, "speed", "lo - control", "permutation");
    CHECK(w && isfinite(w->p) && isfinite(w->p_adjusted) && strstr(w->note, "Monte Carlo"));
}

/* ---- zf_stats_compare and the CSV ---- */

static const zf_stat_row *find_row(const zf_stat_table *t, const char *metric, const char *contrast,
                                   const char *proc)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->rows[i].metric, metric) == 0 && strcmp(t->rows[i].contrast, contrast) == 0 &&
            strcmp(t->rows[i].procedure, proc) == 0)
            return &t->rows[i];
    return NULL;
}

/* Rows of zf_stats_compare for 3 levels: 2 contrasts x 8 two-group procedures,
 * 3 omnibus, 3 tukey_hsd pairs, 2 dunnett, 3 dunn pairs. */
#define ROWS_MULTI (2 * 8 + 3 + 3 + 2 + 3)

static void test_compare(void)
{
    static const char *const names[] = {"lo", "control", "hi"};
    const char *group[64];
    double value[64];
    size_t n = 0;
    zf_stat_table t;
    zf_compare_opts o;
    const zf_stat_row *w;

    zf_stat_table_init(&t);
    zf_compare_opts_default(&o);
    CHECK(strcmp(o.control, "control") == 0 && o.nboot == 5000 && o.seed == 20110901UL &&
          o.adjust == ZF_ADJ_HOLM);

    /* Subjects interleaved so that the levels appear as lo, control, hi. */
    for (size_t k = 0; k < 3; k++) {
        size_t m;
        double *v = ref_vec("multi", names[k], &m);
        for (size_t i = 0; v && i < m && n < 64; i++) {
            group[n] = names[k];
            value[n++] = v[i];
        }
        free(v);
    }
    CHECK(n > 20);
    CHECK_OK(zf_stats_compare(&t, "speed", group, value, n, &o));
    CHECK(t.n == ROWS_MULTI);
    if (t.n != ROWS_MULTI)
        goto done;
    CHECK(strcmp(t.rows[0].contrast, "lo - control") == 0 && strcmp(t.rows[0].procedure, "welch_t") == 0);
    CHECK(strcmp(t.rows[1].procedure, "student_t") == 0 && strcmp(t.rows[2].procedure, "mann_whitney") == 0);
    CHECK(strcmp(t.rows[3].procedure, "permutation") == 0 && strcmp(t.rows[4].procedure, "mean_diff") == 0);
    CHECK(strcmp(t.rows[5].procedure, "median_diff") == 0 && strcmp(t.rows[6].procedure, "cohens_d") == 0);
    CHECK(strcmp(t.rows[7].procedure, "hedges_g") == 0 && strcmp(t.rows[8].contrast, "hi - control") == 0);
    CHECK(strcmp(t.rows[16].contrast, "omnibus") == 0 && strcmp(t.rows[16].procedure, "anova") == 0);
    CHECK(strcmp(t.rows[19].procedure, "tukey_hsd") == 0 && strcmp(t.rows[21].contrast, "hi - lo") == 0);
    CHECK(strcmp(t.rows[22].procedure, "dunnett") == 0 && strcmp(t.rows[24].procedure, "dunn") == 0);
    check_compare_k(&t);
    for (size_t k = 0; k < 2; k++) {
        const char *lev = k ? "hi" : "lo";
        char contrast[32];
        snprintf(contrast, sizeof contrast, "%s - control", lev);
        w = find_row(&t, "speed", contrast, "welch_t");
        CHECK(w != NULL);
        if (!w)
            continue;
        CHECK_NEAR(w->estimate, ref("multi", qn(lev, "welch.estimate")), REL);
        CHECK_NEAR(w->p, ref("multi", qn(lev, "welch.p")), REL);
        CHECK_NEAR(w->p_adjusted, ref("multi", qn(lev, "welch.p_adjusted")), REL);
        CHECK(strcmp(w->adjust_method, "holm") == 0);
        CHECK(w->n2 == 10 && w->n1 == (k ? 8u : 9u));
        CHECK(strcmp(w->note, k ? "1 missing value dropped" : "3 missing values dropped") == 0);
        w = find_row(&t, "speed", contrast, "mann_whitney");
        CHECK(w && strcmp(w->adjust_method, "holm") == 0);
        if (w) {
            CHECK_NEAR(w->statistic, ref("multi", qn(lev, "mw.statistic")), REL);
            CHECK_NEAR(w->p, ref("multi", qn(lev, "mw.p")), REL);
            CHECK_NEAR(w->p_adjusted, ref("multi", qn(lev, "mw.p_adjusted")), REL);
        }
        w = find_row(&t, "speed", contrast, "hedges_g");
        CHECK(w && strcmp(w->adjust_method, "none") == 0);
        if (w) {
            CHECK_NEAR(w->estimate, ref("multi", qn(lev, "hedges.g")), REL);
            CHECK(isnan(w->p) && isnan(w->p_adjusted) && isfinite(w->ci_low) && isfinite(w->ci_high));
        }
    }

    /* Appends; a metric with a comma gets quoted in the CSV. */
    o.adjust = ZF_ADJ_BH;
    o.nboot = 200;
    CHECK_OK(zf_stats_compare(&t, "dist, \"mm\"", group, value, n, &o));
    CHECK(t.n == 2 * ROWS_MULTI);

    /* Missing control: ZF_EDATA naming the control and the levels; table untouched. */
    o.control = "ctrl";
    CHECK(zf_stats_compare(&t, "speed", group, value, n, &o) == ZF_EDATA);
    CHECK(strstr(zf_errmsg(), "'ctrl'") && strstr(zf_errmsg(), "'lo', 'control', 'hi'"));
    CHECK(t.n == 2 * ROWS_MULTI);
    o.control = "control";
    o.adjust = 99;
    CHECK(zf_stats_compare(&t, "speed", group, value, n, &o) == ZF_EINVAL);
    o.adjust = ZF_ADJ_HOLM;
    /* Only the control: nothing to compare, nothing appended. */
    CHECK_OK(zf_stats_compare(&t, "speed", group + 11, value + 11, 5, &o));
    CHECK(t.n == 2 * ROWS_MULTI);

    {
        const char *dir = getenv("ZF_TMP") ? getenv("ZF_TMP") : "/tmp";
        char *path = NULL, *tmp = NULL, *text = NULL;
        size_t text_len = 0;
        CHECK_OK(zf_mkdir_p(dir));
        path = zf_path_join(dir, "stats.csv");
        tmp = zf_path_join(dir, "stats.csv.tmp");
        CHECK(path && tmp);
        if (path && tmp) {
            FILE *fp;
            CHECK_OK(zf_stat_table_write_csv(&t, path));
            fp = fopen(tmp, "r");
            CHECK(fp == NULL);
            if (fp)
                fclose(fp);
            text = tu_slurp(path, &text_len);
            CHECK(text != NULL);
        }
        if (text) {
            size_t lines = 0;
            char expect[256];
            for (const char *c = text; *c; c++)
                lines += *c == '\n';
            CHECK(lines == 2 * ROWS_MULTI + 1);
            static const char header[] = "metric,contrast,procedure,n1,n2,estimate,ci_low,ci_high,"
                                         "statistic,df,df2,p,p_adjusted,adjust_method,note\n";
            CHECK(strncmp(text, header, sizeof header - 1) == 0);
            snprintf(expect, sizeof expect, "\nspeed,lo - control,welch_t,9,10,%.17g,", t.rows[0].estimate);
            CHECK(strstr(text, expect) != NULL);
            /* hedges_g: statistic, df, df2, p, p_adjusted empty */
            CHECK(strstr(text, ",,,,,none,3 missing values dropped\n") != NULL);
            CHECK(strstr(text, "\n\"dist, \"\"mm\"\"\",lo - control,welch_t,") != NULL);
            CHECK(strstr(text, ",BH,") != NULL);
            CHECK(strstr(text, "nan") == NULL);
        }
        CHECK(zf_stat_table_write_csv(&t, "/nonexistent-dir/stats.csv") == ZF_EIO);
        free(text);
        free(path);
        free(tmp);
    }
done:
    zf_stat_table_free(&t);
    CHECK(t.n == 0 && t.rows == NULL);
    zf_stat_table_free(NULL);
}

int main(void)
{
    static const char *const datasets[] = {"small_exact", "tiny", "ties", "unequal_var", "unbalanced",
                                           "exact49", "large", "large_ties", "perm_small", "ties_small"};
    static const char *const kdatasets[] = {"k3_small", "k4_unbal", "k4_ties", "k3_large", "multi"};
    zf_init();
    if (load_refs(ZF_TEST_REF "/stats_two_group.csv") != 0 || load_refs(ZF_TEST_REF "/stats_k_group.csv") != 0 ||
        nrefs == 0) {
        fprintf(stderr, "cannot read the reference values\n");
        return 1;
    }
    for (size_t i = 0; i < sizeof datasets / sizeof datasets[0]; i++)
        check_dataset(datasets[i]);
    for (size_t i = 0; i < sizeof kdatasets / sizeof kdatasets[0]; i++)
        check_k_group(kdatasets[i]);
    test_distributions();
    test_permutation();
    test_p_adjust();
    test_bca();
    test_degenerate();
    test_degenerate_more();
    test_compare();
    free(refs);
    return CHECK_DONE();
}
