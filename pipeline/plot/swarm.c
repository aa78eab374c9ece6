/* swarm.c: deterministic non-overlapping beeswarm placement of points sorted by value. */
#include "plot/plot_internal.h"

#include "zfstress/core.h"

#include <math.h>
#include <stdlib.h>

/* Does a point at (cx, y[i]) overlap one of the placed points lo..i-1? */
static int collides(const double *y, const double *x, size_t lo, size_t i, double cx, double d2)
{
    for (size_t j = lo; j < i; j++) {
        double dx = cx - x[j], dy = y[i] - y[j];
        /* touching is allowed; the tolerance absorbs the rounding of sqrt */
        if (dx * dx + dy * dy < d2 * (1.0 - 1e-9))
            return 1;
    }
    return 0;
}

int zf_beeswarm(const double *y, size_t n, double r, double *x)
{
    int rc = ZF_OK;
    double *cand = NULL;

    if (!(r > 0.0) || !isfinite(r)) {
        rc = zf_error(ZF_EINVAL, "beeswarm: radius %g must be positive", r);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(y[i]) || (i > 0 && y[i] < y[i - 1])) {
            rc = zf_error(ZF_EINVAL, "beeswarm: positions must be finite and ascending (index %zu)", i);
            goto done;
        }
    }
    if (n == 0)
        goto done;
    if (!(cand = malloc((2 * n + 1) * sizeof *cand))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    double d = 2.0 * r, d2 = d * d;
    for (size_t i = 0; i < n; i++) {
        /* placed points that can touch this one are the last ones within d in y */
        size_t lo = i;
        while (lo > 0 && y[i] - y[lo - 1] < d)
            lo--;
        size_t nc = 0;
        cand[nc++] = 0.0;
        for (size_t j = lo; j < i; j++) {
            double dy = y[i] - y[j];
            double dx = sqrt(d2 - dy * dy);
            cand[nc++] = x[j] - dx;
            cand[nc++] = x[j] + dx;
        }
        double best = 0.0;
        int found = 0;
        for (size_t c = 0; c < nc; c++) {
            double cx = cand[c];
            if (found && (fabs(cx) > fabs(best) || (fabs(cx) == fabs(best) && cx >= best)))
                continue;
            if (!collides(y, x, lo, i, cx, d2)) {
                best = cx;
                found = 1;
            }
        }
        /* the outermost candidate never collides, so found is always set */
        x[i] = best;
    }
done:
    free(cand);
    return rc;
}

int zf_swarm_fit(double *const *u, const size_t *n, size_t ng, double half_width, double r_max,
                 double r_min, double *const *x, double *r, int *fits)
{
    int rc = ZF_OK;
    double rr = r_max;
    for (;;) {
        int ok = 1;
        for (size_t g = 0; g < ng && rc == ZF_OK; g++) {
            if ((rc = zf_beeswarm(u[g], n[g], rr, x[g])) != ZF_OK)
                break;
            for (size_t k = 0; k < n[g]; k++)
                if (fabs(x[g][k]) + rr > half_width + 1e-9)
                    ok = 0;
        }
        if (rc != ZF_OK || ok || rr <= r_min) {
            *fits = ok;
            break;
        }
        rr = fmax(r_min, rr * 0.9);
    }
    *r = rr;
    return rc;
}
