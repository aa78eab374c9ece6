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
