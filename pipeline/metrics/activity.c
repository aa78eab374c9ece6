/* activity.c: the metrics of binned activity (ViewPoint): distance per window and, with a light schedule, light/dark activity and photomotor responses. */
#include "zfstress/core.h"
#include "zfstress/metrics.h"
#include "metrics/metrics_internal.h"

#include <math.h>
#include <stdlib.h>

typedef struct actctx {
    const double *start;
    const double *dist; /* dist[k]: distance of bins 0 .. k - 1 */
    size_t n;
} actctx;

/* First bin whose start is >= t. */
static size_t lower(const double *s, size_t n, double t)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s[mid] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Distance of the bins that start before t. */
static double act_cum(const void *vctx, double t)
{
    const actctx *c = vctx;
    return c->dist[lower(c->start, c->n, t)];
}

/* The window of the bins starting in [lo, hi). */
static void act_window(const zf_activity *a, const actctx *c, const double *dur, const zf_metric_params *p, double lo,
                       double hi, double c0, double c1, zf_macc *acc)
{
    size_t i0 = lower(a->start_s, a->n, lo), i1 = lower(a->start_s, a->n, hi);
    zf_macc_nan(acc);
    if (i1 <= i0)
        return;
    acc->start = fmax(lo, c0);
    acc->end = fmin(hi, c1);
    acc->distance_mm = c->dist[i1] - c->dist[i0];
    acc->observed_s = dur[i1] - dur[i0];
    acc->mean_speed_mm_s = acc->observed_s > 0 ? acc->distance_mm / acc->observed_s : NAN;
    acc->fraction_missing = 0.0;
    zf_light_window(acc, p, act_cum, c, c0, c1, lo, hi);
}

static int activity(const zf_activity *a, const zf_arena *ar, const zf_metric_params *p, int single, double t0,
                    double t1, double *whole, double *binned, size_t nbin, size_t nout)
{
    int rc = ZF_OK;
    double *pre = NULL;
    zf_macc acc;
    for (size_t k = 0; k < nout; k++)
        whole[k] = NAN;
    for (size_t k = 0; binned && k < nout * nbin; k++)
        binned[k] = NAN;
    if (a->n == 0)
        goto done;
    for (size_t b = 1; b < a->n; b++)
        if (!(a->start_s[b] >= a->start_s[b - 1])) {
            rc = zf_error(ZF_EDATA, "activity bins out of time order (%g s after %g s)", a->start_s[b], a->start_s[b - 1]);
            goto done;
        }
    if (!(pre = malloc((2 * (a->n + 1) + nout) * sizeof *pre))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    double *dur = pre + a->n + 1, *col = dur + a->n + 1;
    pre[0] = dur[0] = 0;
    for (size_t b = 0; b < a->n; b++) {
        pre[b + 1] = pre[b] + a->inactive_mm[b] + a->small_mm[b] + a->large_mm[b];
        dur[b + 1] = dur[b] + (isnan(a->duration_s[b]) ? 0 : a->duration_s[b]);
    }
    double last = a->duration_s[a->n - 1];
    double c0 = a->start_s[0], c1 = a->start_s[a->n - 1] + (isnan(last) ? 0 : last);
    actctx c = {a->start_s, pre, a->n};
    if (single) {
        act_window(a, &c, dur, p, t0, t1, c0, c1, &acc);
        zf_metric_fill(&acc, ar, p, whole, nout);
        goto done;
    }
    act_window(a, &c, dur, p, -INFINITY, INFINITY, c0, c1, &acc);
    zf_metric_fill(&acc, ar, p, whole, nout);
    for (size_t b = 0; b < nbin; b++) {
        act_window(a, &c, dur, p, (double)b * p->bin_s, (double)(b + 1) * p->bin_s, c0, c1, &acc);
        zf_metric_fill(&acc, ar, p, col, nout);
        for (size_t k = 0; k < nout; k++)
            binned[k * nbin + b] = col[k];
    }
done:
    free(pre);
    return rc;
}

int zf_metrics_activity(const zf_activity *act, const zf_arena *a, const zf_metric_params *p, double *whole,
                        double *binned, size_t nbin)
{
    if (!act || !p || !whole || (nbin && !binned))
        return zf_error(ZF_EINVAL, "metrics: NULL argument");
    return activity(act, a, p, 0, 0, 0, whole, binned, nbin, zf_metric_nout(p));
}

int zf_metrics_compute_activity(const zf_activity *a, double t0, double t1, double *out)
{
    zf_metric_params p;
    zf_metric_params_default(&p);
    if (!a || !out)
        return zf_error(ZF_EINVAL, "metrics: NULL argument");
    return activity(a, NULL, &p, 1, t0, t1, out, NULL, 0, zf_metric_count());
}
