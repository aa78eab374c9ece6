/* permutation.c: two-sided permutation test of the difference of means, exact enumeration or seeded Monte Carlo with the (b+1)/(m+1) correction. */
#include "zfstress/stats.h"

#include "stats/stats_internal.h"
#include "zfstress/core.h"

#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_statistics_double.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* With the pooled sample z (total T, N values), a split with x-sum S has
 * mean difference S (1/nx + 1/ny) - T/ny, so |difference| >= observed iff
 * |S - T nx/N| >= |S_obs - T nx/N|: only subset sums are needed. Values are
 * centred first so the sums are of deviations; ties with the observed value
 * (equal up to rounding) count as "as extreme". */
int zf_test_permutation(const double *x, size_t nx, const double *y, size_t ny, size_t nperm,
                        unsigned long seed, zf_test_result *r)
{
    zf_sample_pair s;
    zf_test_result res;
    double *z = NULL;
    size_t *idx = NULL;
    gsl_rng *rng = NULL;
    zf_drawer drw;
    size_t big_n, b = 0;
    double centre = 0.0, scale = 0.0, sobs = 0.0, tol, lsplits;
    int go, rc;

    if (!r)
        return zf_error(ZF_EINVAL, "permutation test: NULL result");
    rc = zf_sample_pair_start(&s, &res, x, nx, y, ny, &go);
    if (rc != ZF_OK)
        return rc;
    if (!go)
        goto done;
    big_n = s.nx + s.ny;
    if (big_n > UINT32_MAX) {
        rc = zf_error(ZF_EINVAL, "permutation test: %zu values are too many", big_n);
        goto done;
    }
    z = malloc(big_n * sizeof *z);
    idx = malloc(big_n * sizeof *idx);
    if (!z || !idx) {
        rc = zf_error(ZF_ENOMEM, "permutation test: out of memory for %zu values", big_n);
        goto done;
    }
    zf_sample_pair_pool(&s, z);
    for (size_t i = 0; i < big_n; i++)
        centre += z[i];
    centre /= (double)big_n;
    for (size_t i = 0; i < big_n; i++) {
        z[i] -= centre;
        scale += fabs(z[i]);
    }
    /* After centring T = 0 (up to rounding), so the criterion is |S| >= |S_obs|. */
    for (size_t i = 0; i < s.nx; i++)
        sobs += z[i];
    res.estimate = res.statistic = gsl_stats_mean(s.x, 1, s.nx) - gsl_stats_mean(s.y, 1, s.ny);
    tol = 1e-9 * scale;
    sobs = fabs(sobs) - tol;
    if (!(scale > 0.0)) {
        res.p = 1.0;
        zf_note_add(res.note, sizeof res.note, "all values tied");
        goto done;
    }

    lsplits = gsl_sf_lnchoose((unsigned)big_n, (unsigned)s.nx);
    if (big_n <= 64 && lsplits <= log((double)nperm) + 1e-9) {
        /* Exact: every subset of nx of the N positions, in lexicographic order. */
        size_t count = 0, total = 0;
        for (size_t i = 0; i < s.nx; i++)
            idx[i] = i;
        for (;;) {
            double sum = 0.0;
            size_t i;
            for (i = 0; i < s.nx; i++)
                sum += z[idx[i]];
            total++;
            if (fabs(sum) >= sobs)
                count++;
            /* next combination */
            i = s.nx;
            while (i-- > 0 && idx[i] == big_n - s.nx + i)
                ;
            if (i == (size_t)-1)
                break;
            idx[i]++;
            for (size_t j = i + 1; j < s.nx; j++)
                idx[j] = idx[j - 1] + 1;
        }
        res.p = (double)count / (double)total;
        zf_note_add(res.note, sizeof res.note, "exact, %zu splits", total);
        goto done;
    }
    if (nperm < 1) {
        zf_note_add(res.note, sizeof res.note, "no permutations (nperm = 0)");
        goto done;
    }
    rng = gsl_rng_alloc(gsl_rng_taus2);
    if (!rng) {
        rc = zf_error(ZF_ENOMEM, "permutation test: out of memory for the generator");
        goto done;
    }
    gsl_rng_set(rng, seed);
    zf_drawer_init(&drw, rng);
    for (size_t i = 0; i < big_n; i++)
        idx[i] = i;
    /* Each permutation: a partial Fisher-Yates shuffle of the positions puts a
     * uniform random nx-subset first (continuing from the previous order,
     * which stays a uniform permutation). */
    for (size_t m = 0; m < nperm; m++) {
        double sum = 0.0;
        for (size_t i = 0; i < s.nx; i++) {
            size_t j = i + zf_draw_index(&drw, (uint32_t)(big_n - i));
            size_t t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
            sum += z[idx[i]];
        }
        if (fabs(sum) >= sobs)
            b++;
    }
    /* Phipson & Smyth (2010): the observed split counts as one of the permutations. */
    res.p = ((double)b + 1.0) / ((double)nperm + 1.0);
    zf_note_add(res.note, sizeof res.note, "Monte Carlo, %zu permutations", nperm);

done:
    gsl_rng_free(rng);
    free(z);
    free(idx);
    zf_sample_pair_free(&s);
    if (rc == ZF_OK)
        *r = res;
    return rc;
}
