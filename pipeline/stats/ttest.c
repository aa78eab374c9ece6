/* ttest.c: Welch and Student two-sample t tests with the 95% CI of the mean difference (as R's t.test). */
#include "zfstress/stats.h"

#include "stats/stats_internal.h"
#include "zfstress/core.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include <float.h>
#include <math.h>

/* Welch (pooled == 0) or Student (pooled == 1) test of x against y.
 * Welch: se^2 = vx/nx + vy/ny, df by Welch (1947) - Satterthwaite (1946);
 * Student: pooled variance with nx + ny - 2 df. Two-sided p, 95% CI. */
static int t_test(const double *x, size_t nx, const double *y, size_t ny, int pooled,
                  zf_test_result *r)
{
    zf_sample_pair s;
    zf_test_result res;
    double mx, my, vx, vy, diff, se, df, t, q;
    double n1, n2;
    int go, rc;

    if (!r)
        return zf_error(ZF_EINVAL, "t test: NULL result");
    rc = zf_sample_pair_start(&s, &res, x, nx, y, ny, &go);
    if (rc != ZF_OK)
        return rc;
    if (!go)
        goto done;
    n1 = (double)s.nx;
    n2 = (double)s.ny;
    mx = gsl_stats_mean(s.x, 1, s.nx);
    my = gsl_stats_mean(s.y, 1, s.ny);
    diff = mx - my;
    res.estimate = diff;
    if (s.nx < 2 || s.ny < 2) {
        zf_note_add(res.note, sizeof res.note, "fewer than 2 observations in a group");
        goto done;
    }
    vx = gsl_stats_variance_m(s.x, 1, s.nx, mx);
    vy = gsl_stats_variance_m(s.y, 1, s.ny, my);
    if (pooled) {
        double sp2;
        df = n1 + n2 - 2.0;
        sp2 = ((n1 - 1.0) * vx + (n2 - 1.0) * vy) / df;
        se = sqrt(sp2 * (1.0 / n1 + 1.0 / n2));
    } else {
        double ax = vx / n1, ay = vy / n2;
        se = sqrt(ax + ay);
        df = (ax + ay) * (ax + ay) / (ax * ax / (n1 - 1.0) + ay * ay / (n2 - 1.0));
    }
    /* A standard error at rounding level of the means is no information:
     * the test is undefined (R stops with "data are essentially constant"). */
    if (!(se > 10.0 * DBL_EPSILON * fmax(fabs(mx), fabs(my)))) {
        zf_note_add(res.note, sizeof res.note, "data are essentially constant");
        goto done;
    }
    t = diff / se;
    q = gsl_cdf_tdist_Qinv(0.025, df);
    res.statistic = t;
    res.df = df;
    res.p = fmin(1.0, 2.0 * gsl_cdf_tdist_Q(fabs(t), df));
    res.ci_low = diff - q * se;
    res.ci_high = diff + q * se;

done:
    zf_sample_pair_free(&s);
    *r = res;
    return ZF_OK;
}

int zf_test_welch(const double *x, size_t nx, const double *y, size_t ny, zf_test_result *r)
{
    return t_test(x, nx, y, ny, 0, r);
}

int zf_test_student(const double *x, size_t nx, const double *y, size_t ny, zf_test_result *r)
{
    return t_test(x, nx, y, ny, 1, r);
}
