/* effect.c: mean and median difference, Cohen's d and Hedges' g with BCa bootstrap 95% CIs from shared resamples (DABEST conventions). */
#include "zfstress/stats.h"

#include "stats/stats_internal.h"
#include "zfstress/core.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The four effects of one two-sample comparison. */
typedef struct effects {
    double v[ZF_EFFECT_COUNT];
} effects;

/* Effects from summary statistics: means, medians, total sum of squares;
 * j = J(nx + ny - 2) (NaN when undefined). */
static void effects_from(double mx, double my, double medx, double medy, double ss,
                         size_t nx, size_t ny, double j, effects *e)
{
    double m = (double)nx + (double)ny - 2.0, sp;
    e->v[ZF_EFFECT_MEAN_DIFF] = mx - my;
    e->v[ZF_EFFECT_MEDIAN_DIFF] = medx - medy;
    e->v[ZF_EFFECT_COHENS_D] = e->v[ZF_EFFECT_HEDGES_G] = GSL_NAN;
    if (nx < 1 || ny < 1 || nx + ny < 3)
        return;
    sp = sqrt(ss / m);
    /* A pooled SD at rounding level of the means is no spread: d undefined. */
    if (!(sp > 10.0 * DBL_EPSILON * fmax(fabs(mx), fabs(my))))
        return;
    e->v[ZF_EFFECT_COHENS_D] = (mx - my) / sp;
    e->v[ZF_EFFECT_HEDGES_G] = (mx - my) / sp * j;
}

/* Effects of two sorted samples. */
static void effects_sorted(const double *x, size_t nx, const double *y, size_t ny, effects *e)
{
    double mx = gsl_stats_mean(x, 1, nx), my = gsl_stats_mean(y, 1, ny);
    double ss = gsl_stats_tss_m(x, 1, nx, mx) + gsl_stats_tss_m(y, 1, ny, my);
    effects_from(mx, my, gsl_stats_median_from_sorted_data(x, 1, nx),
                 gsl_stats_median_from_sorted_data(y, 1, ny), ss, nx, ny,
                 nx + ny >= 4 ? zf_hedges_j((double)(nx + ny - 2)) : GSL_NAN, e);
}

/* Median of a resample given as counts c[i] of the sorted values v[i] (n
 * draws): a walk to the middle, no sort. */
static double counted_median(const double *v, const unsigned *c, size_t n)
{
    size_t cum = 0, want_lo = (n - 1) / 2, want_hi = n / 2, i = 0;
    double lo;
    while (cum + c[i] <= want_lo)
        cum += c[i++];
    lo = v[i];
    while (cum + c[i] <= want_hi)
        cum += c[i++];
    return (lo + v[i]) / 2.0;
}

/* One group's resample: counts over the sorted values, and the sum and sum
 * of squares of the deviations d[] from the group's own mean (so the sum of
 * squares of the resample, q - s^2/n, has no cancellation of large means). */
static void draw_group(zf_drawer *rng, const double *d, size_t n, unsigned *c, double *s, double *q)
{
    double ss = 0.0, qq = 0.0;
    memset(c, 0, n * sizeof *c);
    for (size_t i = 0; i < n; i++) {
        size_t k = zf_draw_index(rng, (uint32_t)n);
        c[k]++;
        ss += d[k];
        qq += d[k] * d[k];
    }
    *s = ss;
    *q = qq;
}

/* Jackknife acceleration of every effect (Efron 1987; Efron & Tibshirani
 * 1993, ch. 14): a = sum (jbar - j_i)^3 / (6 (sum (jbar - j_i)^2)^(3/2)),
 * leaving out each observation of x (y whole), then each of y (x whole), as
 * DABEST. NaN when a leave-one-out value is undefined; 0 when all are equal. */
static int jackknife(const double *x, size_t nx, const double *y, size_t ny, double a[ZF_EFFECT_COUNT])
{
    size_t nj = nx + ny;
    effects *jk = NULL;
    double *buf = NULL;
    int rc = ZF_OK;

    jk = malloc(nj * sizeof *jk);
    buf = malloc((nx > ny ? nx : ny) * sizeof *buf);
    if (!jk || !buf) {
        rc = zf_error(ZF_ENOMEM, "effect sizes: out of memory for the jackknife (%zu values)", nj);
        goto done;
    }
    for (size_t i = 0; i < nj; i++) {
        int in_x = i < nx;
        const double *src = in_x ? x : y;
        size_t ns = in_x ? nx : ny, skip = in_x ? i : i - nx, k = 0;
        for (size_t j = 0; j < ns; j++)
            if (j != skip)
                buf[k++] = src[j];
        if (in_x)
            effects_sorted(buf, nx - 1, y, ny, &jk[i]);
        else
            effects_sorted(x, nx, buf, ny - 1, &jk[i]);
    }
    for (int e = 0; e < ZF_EFFECT_COUNT; e++) {
        double mean = 0.0, s2 = 0.0, s3 = 0.0;
        int ok = 1;
        for (size_t i = 0; i < nj; i++) {
            if (!isfinite(jk[i].v[e]))
                ok = 0;
            mean += jk[i].v[e];
        }
        if (!ok) {
            a[e] = GSL_NAN;
            continue;
        }
        mean /= (double)nj;
        for (size_t i = 0; i < nj; i++) {
            double d = mean - jk[i].v[e];
            s2 += d * d;
            s3 += d * d * d;
        }
        a[e] = s2 > 0.0 ? s3 / (6.0 * pow(s2, 1.5)) : 0.0;
    }
done:
    free(jk);
    free(buf);
    return rc;
}

/* BCa-adjusted probability for the normal quantile z (Efron 1987). */
static double bca_level(double z0, double a, double z)
{
    double w = z0 + z;
    double den = 1.0 - a * w;
    if (!(den > 0.0))
        return GSL_NAN;
    return gsl_cdf_ugaussian_P(z0 + w / den);
}

/* Quickselect (Hoare 1961) of the k-th smallest of v[lo..hi]: on return
 * v[lo..k) <= v[k] <= v(k..hi], so the next order statistic is the minimum
 * of v(k..hi]. Median-of-three pivots; equal keys split evenly. */
static double select_kth(double *v, size_t lo_, size_t hi_, size_t k_)
{
    ptrdiff_t lo = (ptrdiff_t)lo_, hi = (ptrdiff_t)hi_, k = (ptrdiff_t)k_;
    while (hi > lo) {
        ptrdiff_t mid = lo + (hi - lo) / 2, i = lo, j = hi;
        double pivot, t;
        if (v[mid] < v[lo]) { t = v[mid]; v[mid] = v[lo]; v[lo] = t; }
        if (v[hi] < v[lo]) { t = v[hi]; v[hi] = v[lo]; v[lo] = t; }
        if (v[hi] < v[mid]) { t = v[hi]; v[hi] = v[mid]; v[mid] = t; }
        pivot = v[mid];
        /* the sorted three are sentinels: i stops by hi, j by lo */
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                j--;
            }
        }
        /* v[lo..j] <= pivot, v[i..hi] >= pivot, v(j..i) == pivot */
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return v[k];
    }
    return v[k];
}

/* The type-7 quantiles at probabilities p1 <= p2 of v[0..n) without sorting:
 * select the floor((n-1)p)-th values; the next order statistic of each is the
 * minimum of the part above it. v is reordered. */
static void quantiles_unsorted(double *v, size_t n, double p1, double p2, double *q1, double *q2)
{
    const double p[2] = {p1, p2};
    double *q[2] = {q1, q2};
    size_t from = 0;
    for (int e = 0; e < 2; e++) {
        double h = (double)(n - 1) * p[e], lo, next = INFINITY;
        size_t i = (size_t)floor(h);
        if (i >= n - 1) {
            *q[e] = gsl_stats_max(v + from, 1, n - from);
            continue;
        }
        lo = select_kth(v, from, n - 1, i);
        for (size_t j = i + 1; j < n; j++)
            if (v[j] < next)
                next = v[j];
        *q[e] = lo + (h - (double)i) * (next - lo);
        from = i;
    }
}

/* The BCa interval of one effect from its bootstrap values. */
static void bca_interval(double *boot, size_t nvalid, size_t nboot, size_t nbelow, double a,
                         const char *name, zf_test_result *r)
{
    double z0, lo, hi;
    if (nvalid < nboot)
        zf_note_add(r->note, sizeof r->note, "%zu of %zu resamples without %s dropped",
                    nboot - nvalid, nboot, name);
    if (nvalid < 2 || nbelow == 0 || nbelow == nvalid) {
        zf_note_add(r->note, sizeof r->note, "no BCa CI: observed value outside the bootstrap distribution");
        return;
    }
    z0 = gsl_cdf_ugaussian_Pinv((double)nbelow / (double)nvalid);
    lo = bca_level(z0, a, gsl_cdf_ugaussian_Pinv(0.025));
    hi = bca_level(z0, a, gsl_cdf_ugaussian_Pinv(0.975));
    if (isnan(lo) || isnan(hi)) {
        zf_note_add(r->note, sizeof r->note, "no BCa CI: acceleration too large");
        return;
    }
    quantiles_unsorted(boot, nvalid, lo, hi, &r->ci_low, &r->ci_high);
}

int zf_effect_sizes_boot(const double *x, size_t nx, const double *y, size_t ny, size_t nboot,
                         unsigned long seed, int keep, zf_test_result out[ZF_EFFECT_COUNT],
                         double **keep_boot, size_t *keep_n)
{
    static const char *const what[ZF_EFFECT_COUNT] = {"spread", "spread", "variance", "variance"};
    zf_sample_pair s;
    zf_test_result res[ZF_EFFECT_COUNT];
    gsl_rng *rng = NULL;
    zf_drawer drw;
    double *boot = NULL, *dx = NULL, *dy, mx0, my0, j;
    unsigned *cx = NULL, *cy = NULL;
    double a[ZF_EFFECT_COUNT];
    size_t nvalid[ZF_EFFECT_COUNT] = {0}, nbelow[ZF_EFFECT_COUNT] = {0};
    effects obs;
    int rc, any_ci = 0;

    if (!out || (keep >= 0 && (keep >= ZF_EFFECT_COUNT || !keep_boot || !keep_n)))
        return zf_error(ZF_EINVAL, "effect sizes: NULL result or unknown effect %d", keep);
    if (keep >= 0) {
        *keep_boot = NULL;
        *keep_n = 0;
    }
    zf_test_result_nan(&res[0]);
    rc = zf_sample_pair_init(&s, x, nx, y, ny, res[0].note, sizeof res[0].note);
    if (rc != ZF_OK)
        return rc;
    for (int e = 1; e < ZF_EFFECT_COUNT; e++)
        res[e] = res[0];
    if (s.infinite)
        goto done;
    if (s.nx < 1 || s.ny < 1) {
        for (int e = 0; e < ZF_EFFECT_COUNT; e++)
            zf_note_add(res[e].note, sizeof res[e].note, "empty group");
        goto done;
    }
    if (s.nx > UINT32_MAX || s.ny > UINT32_MAX || nboot > SIZE_MAX / ZF_EFFECT_COUNT / sizeof *boot) {
        rc = zf_error(ZF_EINVAL, "effect sizes: %zu + %zu values or %zu resamples are too many", s.nx, s.ny, nboot);
        goto done;
    }
    gsl_sort(s.x, 1, s.nx);
    gsl_sort(s.y, 1, s.ny);
    effects_sorted(s.x, s.nx, s.y, s.ny, &obs);
    for (int e = 0; e < ZF_EFFECT_COUNT; e++) {
        res[e].estimate = obs.v[e];
        if (e >= ZF_EFFECT_COHENS_D && (s.nx < 2 || s.ny < 2))
            res[e].estimate = GSL_NAN;
    }
    if (s.nx < 2 || s.ny < 2) {
        for (int e = 0; e < ZF_EFFECT_COUNT; e++)
            zf_note_add(res[e].note, sizeof res[e].note, "fewer than 2 observations in a group");
        goto done;
    }
    for (int e = ZF_EFFECT_COHENS_D; e < ZF_EFFECT_COUNT; e++)
        if (isnan(res[e].estimate))
            zf_note_add(res[e].note, sizeof res[e].note, "zero variance in both groups");
    if (nboot < 2) {
        for (int e = 0; e < ZF_EFFECT_COUNT; e++)
            if (!isnan(res[e].estimate))
                zf_note_add(res[e].note, sizeof res[e].note, "no bootstrap CI (nboot = %zu)", nboot);
        goto done;
    }
    rc = jackknife(s.x, s.nx, s.y, s.ny, a);
    if (rc != ZF_OK)
        goto done;
    for (int e = 0; e < ZF_EFFECT_COUNT; e++) {
        if (isnan(res[e].estimate))
            continue;
        if (isnan(a[e]))
            zf_note_add(res[e].note, sizeof res[e].note,
                        "no BCa CI: a jackknife sample has no %s or n - 2 < 2", what[e]);
        else
            any_ci = 1;
    }
    /* The resamples are drawn when a CI can come of them, or when the
     * caller wants the distribution of a defined effect (estimation plots). */
    if (!any_ci && !(keep >= 0 && !isnan(res[keep].estimate)))
        goto done;

    boot = malloc(ZF_EFFECT_COUNT * nboot * sizeof *boot);
    dx = malloc((s.nx + s.ny) * sizeof *dx);
    cx = malloc(s.nx * sizeof *cx);
    cy = malloc(s.ny * sizeof *cy);
    rng = gsl_rng_alloc(gsl_rng_taus2);
    if (!boot || !dx || !cx || !cy || !rng) {
        rc = zf_error(ZF_ENOMEM, "effect sizes: out of memory for %zu bootstrap resamples", nboot);
        goto done;
    }
    dy = dx + s.nx;
    mx0 = gsl_stats_mean(s.x, 1, s.nx);
    my0 = gsl_stats_mean(s.y, 1, s.ny);
    for (size_t i = 0; i < s.nx; i++)
        dx[i] = s.x[i] - mx0;
    for (size_t i = 0; i < s.ny; i++)
        dy[i] = s.y[i] - my0;
    j = zf_hedges_j((double)(s.nx + s.ny - 2));
    gsl_rng_set(rng, seed);
    zf_drawer_init(&drw, rng);
    /* Each resample draws nx indices into x, then ny into y (the order is
     * part of the reproducibility contract: same seed, same CI). The draws
     * are kept as counts over the sorted values and running sums, so mean,
     * SD and median take O(n) without copying or sorting the resample. */
    for (size_t b = 0; b < nboot; b++) {
        double sx, qx, sy, qy, fx = (double)s.nx, fy = (double)s.ny;
        effects eb;
        draw_group(&drw, dx, s.nx, cx, &sx, &qx);
        draw_group(&drw, dy, s.ny, cy, &sy, &qy);
        effects_from(mx0 + sx / fx, my0 + sy / fy, counted_median(s.x, cx, s.nx), counted_median(s.y, cy, s.ny),
                     fmax(0.0, qx - sx * sx / fx) + fmax(0.0, qy - sy * sy / fy), s.nx, s.ny, j, &eb);
        for (int e = 0; e < ZF_EFFECT_COUNT; e++) {
            double v = eb.v[e];
            /* A resample with no spread has no d or g; it is dropped. */
            if (isnan(v))
                continue;
            boot[(size_t)e * nboot + nvalid[e]++] = v;
            if (v < obs.v[e])
                nbelow[e]++;
        }
    }
    if (keep >= 0) {
        size_t nk = nvalid[keep];
        if (!(*keep_boot = malloc((nk ? nk : 1) * sizeof **keep_boot))) {
            rc = zf_error(ZF_ENOMEM, "effect sizes: out of memory for %zu resamples", nk);
            goto done;
        }
        memcpy(*keep_boot, boot + (size_t)keep * nboot, nk * sizeof **keep_boot);
        *keep_n = nk;
    }
    for (int e = 0; e < ZF_EFFECT_COUNT; e++)
        if (!isnan(res[e].estimate) && !isnan(a[e]))
            bca_interval(boot + (size_t)e * nboot, nvalid[e], nboot, nbelow[e], a[e], what[e], &res[e]);

done:
    gsl_rng_free(rng);
    free(boot);
    free(dx);
    free(cx);
    free(cy);
    zf_sample_pair_free(&s);
    if (rc == ZF_OK) {
        for (int e = 0; e < ZF_EFFECT_COUNT; e++)
            out[e] = res[e];
    } else if (keep >= 0) {
        free(*keep_boot);
        *keep_boot = NULL;
        *keep_n = 0;
    }
    return rc;
}

int zf_effect_sizes(const double *x, size_t nx, const double *y, size_t ny, size_t nboot,
                    unsigned long seed, zf_test_result out[ZF_EFFECT_COUNT])
{
    return zf_effect_sizes_boot(x, nx, y, ny, nboot, seed, -1, out, NULL, NULL);
}

static int one_effect(int which, const double *x, size_t nx, const double *y, size_t ny,
                      size_t nboot, unsigned long seed, zf_test_result *r)
{
    zf_test_result all[ZF_EFFECT_COUNT];
    int rc;
    if (!r)
        return zf_error(ZF_EINVAL, "effect size: NULL result");
    rc = zf_effect_sizes(x, nx, y, ny, nboot, seed, all);
    if (rc == ZF_OK)
        *r = all[which];
    return rc;
}

int zf_effect_mean_diff(const double *x, size_t nx, const double *y, size_t ny,
                        size_t nboot, unsigned long seed, zf_test_result *r)
{
    return one_effect(ZF_EFFECT_MEAN_DIFF, x, nx, y, ny, nboot, seed, r);
}

int zf_effect_median_diff(const double *x, size_t nx, const double *y, size_t ny,
                          size_t nboot, unsigned long seed, zf_test_result *r)
{
    return one_effect(ZF_EFFECT_MEDIAN_DIFF, x, nx, y, ny, nboot, seed, r);
}

int zf_effect_cohens_d(const double *x, size_t nx, const double *y, size_t ny,
                       size_t nboot, unsigned long seed, zf_test_result *r)
{
    return one_effect(ZF_EFFECT_COHENS_D, x, nx, y, ny, nboot, seed, r);
}

int zf_effect_hedges_g(const double *x, size_t nx, const double *y, size_t ny,
                       size_t nboot, unsigned long seed, zf_test_result *r)
{
    return one_effect(ZF_EFFECT_HEDGES_G, x, nx, y, ny, nboot, seed, r);
}
