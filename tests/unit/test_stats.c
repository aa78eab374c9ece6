/* test_stats.c: the statistics module against R (tests/reference/stats_two_group.csv from scripts/ref_stats.R), BCa properties, degenerate inputs, the results table. */
#include "zfstress/core.h"
#include "zfstress/stats.h"

#include "check.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REL 1e-10

/* ---- the reference file: dataset,quantity,value rows ---- */

typedef struct {
    char dataset[32];
    char quantity[40];
    double value;
} ref_entry;

static ref_entry *refs;
static size_t nrefs;

static int load_refs(const char *path)
{
    char line[256];
    size_t cap = 0;
    FILE *fp = fopen(path, "r");
    if (!fp) {
        fprintf(stderr, "cannot open %s\n", path);
        return -1;
    }
    while (fgets(line, sizeof line, fp)) {
        char *c1, *c2, *end;
        if (line[0] == '#' || strncmp(line, "dataset,", 8) == 0)
            continue;
        c1 = strchr(line, ',');
        c2 = c1 ? strchr(c1 + 1, ',') : NULL;
        if (!c2 || (size_t)(c1 - line) >= sizeof refs->dataset || (size_t)(c2 - c1 - 1) >= sizeof refs->quantity)
            continue;
        if (nrefs == cap) {
            ref_entry *tmp;
            cap = cap ? 2 * cap : 256;
            tmp = realloc(refs, cap * sizeof *refs);
            if (!tmp) {
                fclose(fp);
                return -1;
            }
            refs = tmp;
        }
        memset(&refs[nrefs], 0, sizeof refs[nrefs]);
        memcpy(refs[nrefs].dataset, line, (size_t)(c1 - line));
        memcpy(refs[nrefs].quantity, c1 + 1, (size_t)(c2 - c1 - 1));
        refs[nrefs].value = strtod(c2 + 1, &end);
        if (end == c2 + 1)
            continue;
        nrefs++;
    }
    fclose(fp);
    return 0;
}

/* All values of (dataset, quantity) in file order into a malloc'd array. */
static double *ref_vec(const char *ds, const char *q, size_t *n)
{
    double *v = malloc((nrefs ? nrefs : 1) * sizeof *v);
    *n = 0;
    if (!v)
        return NULL;
    for (size_t i = 0; i < nrefs; i++)
        if (strcmp(refs[i].dataset, ds) == 0 && strcmp(refs[i].quantity, q) == 0)
            v[(*n)++] = refs[i].value;
    return v;
}

/* The single value of (dataset, quantity); NaN and a failed check when absent. */
static double ref(const char *ds, const char *q)
{
    for (size_t i = 0; i < nrefs; i++)
        if (strcmp(refs[i].dataset, ds) == 0 && strcmp(refs[i].quantity, q) == 0)
            return refs[i].value;
    fprintf(stderr, "reference %s/%s missing\n", ds, q);
    CHECK(0);
    return NAN;
}

static int has_ref(const char *ds, const char *q)
{
    for (size_t i = 0; i < nrefs; i++)
        if (strcmp(refs[i].dataset, ds) == 0 && strcmp(refs[i].quantity, q) == 0)
            return 1;
    return 0;
}

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
    }
done:
    free(x);
    free(y);
}

static void test_p_adjust(void)
{
    static const char *const methods[] = {"holm", "bonferroni", "hochberg", "BH"};
    size_t n, ne;
    double *p = ref_vec("padj", "p", &n);
    double *out = malloc((n ? n : 1) * sizeof *out);
    CHECK(p && out && n > 5);
    if (!p || !out)
        goto done;
    for (size_t k = 0; k < 4; k++) {
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

/* Straight from Efron (1987) and the DABEST description, same draw order. */
static void plain_bca(const double *x, size_t nx, const double *y, size_t ny, size_t B,
                      unsigned long seed, double ci[2])
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    double *gb = malloc(B * sizeof *gb), bx[64], by[64], jk[128];
    double g = plain_g(x, nx, y, ny), below = 0, z0, jm = 0, s2 = 0, s3 = 0, a;
    const double zq[2] = {-1.959963984540054, 1.959963984540054};
    if (!rng || !gb || nx > 64 || ny > 64) {
        CHECK(0);
        goto done;
    }
    gsl_rng_set(rng, seed);
    for (size_t b = 0; b < B; b++) {
        for (size_t i = 0; i < nx; i++) bx[i] = x[gsl_rng_uniform_int(rng, nx)];
        for (size_t i = 0; i < ny; i++) by[i] = y[gsl_rng_uniform_int(rng, ny)];
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
        double h = (double)(B - 1) * lev;
        size_t lo = (size_t)floor(h);
        ci[e] = lo + 1 < B ? gb[lo] + (h - (double)lo) * (gb[lo + 1] - gb[lo]) : gb[B - 1];
    }
done:
    gsl_rng_free(rng);
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

/* ---- zf_stats_compare and the CSV ---- */

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    long len;
    if (!fp)
        return NULL;
    if (fseek(fp, 0, SEEK_END) == 0 && (len = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)len + 1);
        if (buf && fread(buf, 1, (size_t)len, fp) == (size_t)len)
            buf[len] = '\0';
        else {
            free(buf);
            buf = NULL;
        }
    }
    fclose(fp);
    return buf;
}

static const zf_stat_row *find_row(const zf_stat_table *t, const char *metric, const char *contrast,
                                   const char *proc)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->rows[i].metric, metric) == 0 && strcmp(t->rows[i].contrast, contrast) == 0 &&
            strcmp(t->rows[i].procedure, proc) == 0)
            return &t->rows[i];
    return NULL;
}

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
    CHECK(t.n == 6);
    if (t.n != 6)
        goto done;
    CHECK(strcmp(t.rows[0].contrast, "lo - control") == 0 && strcmp(t.rows[0].procedure, "welch_t") == 0);
    CHECK(strcmp(t.rows[1].procedure, "mann_whitney") == 0 && strcmp(t.rows[2].procedure, "hedges_g") == 0);
    CHECK(strcmp(t.rows[3].contrast, "hi - control") == 0);
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
    CHECK(t.n == 12);

    /* Missing control: ZF_EDATA naming the control and the levels; table untouched. */
    o.control = "ctrl";
    CHECK(zf_stats_compare(&t, "speed", group, value, n, &o) == ZF_EDATA);
    CHECK(strstr(zf_errmsg(), "'ctrl'") && strstr(zf_errmsg(), "'lo', 'control', 'hi'"));
    CHECK(t.n == 12);
    o.control = "control";
    o.adjust = 99;
    CHECK(zf_stats_compare(&t, "speed", group, value, n, &o) == ZF_EINVAL);
    o.adjust = ZF_ADJ_HOLM;
    /* Only the control: nothing to compare, nothing appended. */
    CHECK_OK(zf_stats_compare(&t, "speed", group + 11, value + 11, 5, &o));
    CHECK(t.n == 12);

    {
        const char *dir = getenv("ZF_TMP") ? getenv("ZF_TMP") : "/tmp";
        char *path = NULL, *tmp = NULL, *text = NULL;
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
            text = slurp(path);
            CHECK(text != NULL);
        }
        if (text) {
            size_t lines = 0;
            char expect[256];
            for (const char *c = text; *c; c++)
                lines += *c == '\n';
            CHECK(lines == 13);
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
    static const char *const datasets[] = {"small_exact", "tiny", "ties", "unequal_var",
                                           "unbalanced", "exact49", "large", "large_ties"};
    zf_init();
    if (load_refs(ZF_TEST_REF "/stats_two_group.csv") != 0 || nrefs == 0) {
        fprintf(stderr, "cannot read the reference values\n");
        return 1;
    }
    for (size_t i = 0; i < sizeof datasets / sizeof datasets[0]; i++)
        check_dataset(datasets[i]);
    test_p_adjust();
    test_bca();
    test_degenerate();
    test_compare();
    free(refs);
    return CHECK_DONE();
}
