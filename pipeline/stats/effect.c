/* effect.c: Hedges' g with the exact gamma correction and its BCa bootstrap 95% CI (as DABEST). */
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
#include <stdint.h>
#include <stdlib.h>

/* g of x against y: (mean x - mean y) / pooled SD * J(nx + ny - 2).
 * NaN when the pooled SD is zero or at rounding level of the means, or when
 * nx + ny - 2 < 2 (J undefined). */
static double hedges_g(const double *x, size_t nx, const double *y, size_t ny)
{
    double mx, my, ss, m, sp;
    if (nx < 1 || ny < 1 || nx + ny < 4)
        return GSL_NAN;
    m = (double)(nx + ny - 2);
    mx = gsl_stats_mean(x, 1, nx);
    my = gsl_stats_mean(y, 1, ny);
    ss = gsl_stats_tss_m(x, 1, nx, mx) + gsl_stats_tss_m(y, 1, ny, my);
    sp = sqrt(ss / m);
    if (!(sp > 10.0 * DBL_EPSILON * fmax(fabs(mx), fabs(my))))
        return GSL_NAN;
    return (mx - my) / sp * zf_hedges_j(m);
}

/* Acceleration of the BCa interval from the jackknife (Efron 1987; Efron & Tibshirani 1993, ch. 14):
 * a = sum (jbar - j_i)^3 / (6 (sum (jbar - j_i)^2)^(3/2)). As DABEST, the
 * leave-one-out values delete each observation of x (y whole), then each of
 * y (x whole). *a is NaN when a jackknife value is undefined. */
static int jackknife_accel(const double *x, size_t nx, const double *y, size_t ny, double *a)
{
    size_t nj = nx + ny;
    double *jk = NULL, *buf = NULL;
    double mean = 0.0, s2 = 0.0, s3 = 0.0;
    int rc = ZF_OK;

    jk = malloc(nj * sizeof *jk);
    buf = malloc((nx > ny ? nx : ny) * sizeof *buf);
    if (!jk || !buf) {
        rc = zf_error(ZF_ENOMEM, "Hedges' g: out of memory for the jackknife (%zu values)", nj);
        goto done;
    }
    for (size_t i = 0; i < nx; i++) {
        size_t k = 0;
        for (size_t j = 0; j < nx; j++)
            if (j != i)
                buf[k++] = x[j];
        jk[i] = hedges_g(buf, nx - 1, y, ny);
    }
    for (size_t i = 0; i < ny; i++) {
        size_t k = 0;
        for (size_t j = 0; j < ny; j++)
            if (j != i)
                buf[k++] = y[j];
        jk[nx + i] = hedges_g(x, nx, buf, ny - 1);
    }
    for (size_t i = 0; i < nj; i++) {
        if (!isfinite(jk[i])) {
            *a = GSL_NAN;
            goto done;
        }
    }
    mean = gsl_stats_mean(jk, 1, nj);
    for (size_t i = 0; i < nj; i++) {
        double d = mean - jk[i];
        s2 += d * d;
        s3 += d * d * d;
    }
    /* All jackknife values equal: no skewness information, a = 0 (DABEST). */
    *a = s2 > 0.0 ? s3 / (6.0 * pow(s2, 1.5)) : 0.0;
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

int zf_effect_hedges_g(const double *x, size_t nx, const double *y, size_t ny,
                       size_t nboot, unsigned long seed, zf_test_result *r)
{
    zf_sample_pair s;
    zf_test_result res;
    gsl_rng *rng = NULL;
    double *boot = NULL, *bx = NULL, *by = NULL;
    double g, a = 0.0, z0, lo, hi;
    size_t nvalid = 0, nbelow = 0;
    int rc;

    if (!r)
        return zf_error(ZF_EINVAL, "Hedges' g: NULL result");
    zf_test_result_nan(&res);
    rc = zf_sample_pair_init(&s, x, nx, y, ny, res.note, sizeof res.note);
    if (rc != ZF_OK)
        return rc;
    if (s.infinite)
        goto done;
    if (s.nx < 2 || s.ny < 2) {
        zf_note_add(res.note, sizeof res.note, "fewer than 2 observations in a group");
        goto done;
    }
    g = hedges_g(s.x, s.nx, s.y, s.ny);
    if (isnan(g)) {
        zf_note_add(res.note, sizeof res.note, "zero variance in both groups");
        goto done;
    }
    res.estimate = g;
    if (nboot < 2) {
        zf_note_add(res.note, sizeof res.note, "no bootstrap CI (nboot = %zu)", nboot);
        goto done;
    }
    if (nboot > SIZE_MAX / sizeof *boot) {
        rc = zf_error(ZF_EINVAL, "Hedges' g: nboot = %zu is too large", nboot);
        goto done;
    }

    rc = jackknife_accel(s.x, s.nx, s.y, s.ny, &a);
    if (rc != ZF_OK)
        goto done;
    if (isnan(a)) {
        zf_note_add(res.note, sizeof res.note, "no BCa CI: a jackknife sample has no variance or n - 2 < 2");
        goto done;
    }

    boot = malloc(nboot * sizeof *boot);
    bx = malloc(s.nx * sizeof *bx);
    by = malloc(s.ny * sizeof *by);
    rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!boot || !bx || !by || !rng) {
        rc = zf_error(ZF_ENOMEM, "Hedges' g: out of memory for %zu bootstrap resamples", nboot);
        goto done;
    }
    gsl_rng_set(rng, seed);
    /* Each resample draws nx indices into x, then ny into y (the order is
     * part of the reproducibility contract: same seed, same CI). */
    for (size_t b = 0; b < nboot; b++) {
        double gb;
        for (size_t i = 0; i < s.nx; i++)
            bx[i] = s.x[gsl_rng_uniform_int(rng, s.nx)];
        for (size_t i = 0; i < s.ny; i++)
            by[i] = s.y[gsl_rng_uniform_int(rng, s.ny)];
        gb = hedges_g(bx, s.nx, by, s.ny);
        /* A resample with no spread in either group has no g; it is dropped. */
        if (isnan(gb))
            continue;
        boot[nvalid++] = gb;
        if (gb < g)
            nbelow++;
    }
    if (nvalid < nboot)
        zf_note_add(res.note, sizeof res.note, "%zu of %zu resamples without variance dropped",
                    nboot - nvalid, nboot);
    if (nvalid < 2 || nbelow == 0 || nbelow == nvalid) {
        zf_note_add(res.note, sizeof res.note, "no BCa CI: observed g outside the bootstrap distribution");
        goto done;
    }
    z0 = gsl_cdf_ugaussian_Pinv((double)nbelow / (double)nvalid);
    lo = bca_level(z0, a, gsl_cdf_ugaussian_Pinv(0.025));
    hi = bca_level(z0, a, gsl_cdf_ugaussian_Pinv(0.975));
    if (isnan(lo) || isnan(hi)) {
        zf_note_add(res.note, sizeof res.note, "no BCa CI: acceleration too large");
        goto done;
    }
    gsl_sort(boot, 1, nvalid);
    res.ci_low = gsl_stats_quantile_from_sorted_data(boot, 1, nvalid, lo);
    res.ci_high = gsl_stats_quantile_from_sorted_data(boot, 1, nvalid, hi);

done:
    gsl_rng_free(rng);
    free(boot);
    free(bx);
    free(by);
    zf_sample_pair_free(&s);
    if (rc == ZF_OK)
        *r = res;
    return rc;
}
