/* mannwhitney.c: Mann-Whitney U / Wilcoxon rank-sum test: exact, exact conditional with ties, or normal approximation (as R's wilcox.test). */
#include "zfstress/stats.h"

#include "stats/stats_internal.h"
#include "zfstress/core.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* Exact distribution below this size of both groups (R's rule). */
#define ZF_MWU_EXACT_MAX 50

/* Two-sided exact p of W = u for samples of sizes m and n without ties.
 * Counts, for every k <= m, the subsets of size k of the ranks {1..N} by
 * their rank sum (Mann & Whitney 1947: each of the C(N, m) rank sets of the
 * first sample is equally likely under H0); U = rank sum - m(m+1)/2.
 * p = min(1, 2 min(P(U <= u), P(U >= u))). Only additions of positive
 * counts, so doubles keep full relative precision beyond 2^53. */
static int exact_p(size_t m, size_t n, double u, double *p)
{
    size_t big_n = m + n;
    size_t base = m * (m + 1) / 2;    /* rank sum at U = 0 */
    double *cnt = NULL, lo = 0.0, hi = 0.0, tot = 0.0;
    int rc = ZF_OK;

    cnt = zf_rank_sum_counts(m, big_n);
    if (!cnt) {
        rc = zf_error(ZF_ENOMEM, "Mann-Whitney: out of memory for the exact distribution (%zu x %zu)", m, n);
        goto done;
    }
    for (size_t s = base; s <= base + m * n; s++) {
        double c = cnt[s];
        double us = (double)(s - base);
        tot += c;
        if (us <= u)
            lo += c;
        if (us >= u)
            hi += c;
    }
    *p = fmin(1.0, 2.0 * fmin(lo, hi) / tot);
done:
    free(cnt);
    return rc;
}

/* Two-sided exact conditional p with ties: the permutation distribution of
 * the rank sum of x given the mid-ranks of the pooled sample (every nx-subset
 * of the N positions equally likely). Mid-ranks are multiples of 1/2, so the
 * doubled ranks r2[] are integers and the sums are counted exactly by dynamic
 * programming over (subset size, doubled sum). With ties the distribution
 * need not be symmetric; p = P(|R - E R| >= |r - E R|) as coin's exact
 * wilcox_test (equal to the doubled smaller tail when there are no ties). */
static int exact_conditional_p(const size_t *r2, size_t big_n, size_t m, size_t obs2, double *p)
{
    size_t smax = 0, width, mean2, dobs;
    double *cnt = NULL, hit = 0.0, tot = 0.0;
    int rc = ZF_OK;

    for (size_t i = 0; i < big_n; i++)
        smax += r2[i];
    width = smax + 1;
    if (m + 1 > SIZE_MAX / sizeof *cnt / width) {
        rc = zf_error(ZF_ENOMEM, "Mann-Whitney: exact distribution too large");
        goto done;
    }
    cnt = calloc((m + 1) * width, sizeof *cnt);
    if (!cnt) {
        rc = zf_error(ZF_ENOMEM, "Mann-Whitney: out of memory for the exact conditional distribution");
        goto done;
    }
    cnt[0] = 1.0;
    for (size_t i = 0, seen = 0; i < big_n; i++) {
        size_t kmax = seen + 1 < m ? seen + 1 : m;
        for (size_t k = kmax; k >= 1; k--) {
            double *row = cnt + k * width;
            const double *prev = cnt + (k - 1) * width;
            for (size_t s = smax; s >= r2[i]; s--)
                row[s] += prev[s - r2[i]];
        }
        seen++;
    }
    /* E(2R) = m (N + 1); deviations compared exactly in integers */
    mean2 = m * (big_n + 1);
    dobs = obs2 > mean2 ? obs2 - mean2 : mean2 - obs2;
    for (size_t s = 0; s <= smax; s++) {
        double c = cnt[m * width + s];
        size_t dev = s > mean2 ? s - mean2 : mean2 - s;
        tot += c;
        if (dev >= dobs)
            hit += c;
    }
    *p = fmin(1.0, hit / tot);
done:
    free(cnt);
    return rc;
}

int zf_test_mann_whitney(const double *x, size_t nx, const double *y, size_t ny, zf_test_result *r)
{
    return zf_test_mann_whitney_ex(x, nx, y, ny, 0, r);
}

int zf_test_mann_whitney_ex(const double *x, size_t nx, const double *y, size_t ny, int exact_ties,
                            zf_test_result *r)
{
    zf_sample_pair s;
    zf_test_result res;
    double *all = NULL;
    size_t *order = NULL;
    size_t big_n;
    double rank_sum_x = 0.0, tie_sum = 0.0, w, m1, m2;
    int ties = 0, go, rc;

    if (!r)
        return zf_error(ZF_EINVAL, "Mann-Whitney: NULL result");
    rc = zf_sample_pair_start(&s, &res, x, nx, y, ny, &go);
    if (rc != ZF_OK)
        return rc;
    if (!go)
        goto done;
    big_n = s.nx + s.ny;
    all = malloc(big_n * sizeof *all);
    order = malloc(big_n * sizeof *order);
    if (!all || !order) {
        rc = zf_error(ZF_ENOMEM, "Mann-Whitney: out of memory for %zu values", big_n);
        goto done;
    }
    zf_sample_pair_pool(&s, all);
    gsl_sort_index(order, all, 1, big_n);

    /* Mid-ranks over runs of equal values; sum of t^3 - t for the tie correction. */
    for (size_t i = 0; i < big_n;) {
        size_t j = i + 1;
        double mid, t;
        while (j < big_n && all[order[j]] == all[order[i]])
            j++;
        mid = ((double)(i + 1) + (double)j) / 2.0;
        for (size_t k = i; k < j; k++)
            if (order[k] < s.nx)
                rank_sum_x += mid;
        t = (double)(j - i);
        if (j - i > 1) {
            ties = 1;
            tie_sum += t * t * t - t;
        }
        i = j;
    }
    m1 = (double)s.nx;
    m2 = (double)s.ny;
    w = rank_sum_x - m1 * (m1 + 1.0) / 2.0;
    res.statistic = w;

    gsl_sort(s.x, 1, s.nx);
    gsl_sort(s.y, 1, s.ny);
    res.estimate = gsl_stats_median_from_sorted_data(s.x, 1, s.nx) -
                   gsl_stats_median_from_sorted_data(s.y, 1, s.ny);

    if (s.nx < ZF_MWU_EXACT_MAX && s.ny < ZF_MWU_EXACT_MAX && !ties) {
        /* U has the same null distribution for (m, n) and (n, m): count with the smaller. */
        rc = exact_p(s.nx < s.ny ? s.nx : s.ny, s.nx < s.ny ? s.ny : s.nx, w, &res.p);
        if (rc != ZF_OK)
            goto done;
        zf_note_add(res.note, sizeof res.note, "exact");
    } else if (exact_ties && ties && s.nx < ZF_MWU_EXACT_MAX && s.ny < ZF_MWU_EXACT_MAX) {
        size_t *r2 = malloc(big_n * sizeof *r2);
        size_t obs2 = 0;
        if (!r2) {
            rc = zf_error(ZF_ENOMEM, "Mann-Whitney: out of memory for %zu ranks", big_n);
            goto done;
        }
        for (size_t i = 0; i < big_n;) {
            size_t j = i + 1;
            while (j < big_n && all[order[j]] == all[order[i]])
                j++;
            for (size_t k = i; k < j; k++) {
                r2[order[k]] = i + 1 + j; /* twice the mid-rank (i+1+j)/2 */
                if (order[k] < s.nx)
                    obs2 += i + 1 + j;
            }
            i = j;
        }
        rc = exact_conditional_p(r2, big_n, s.nx, obs2, &res.p);
        free(r2);
        if (rc != ZF_OK)
            goto done;
        zf_note_add(res.note, sizeof res.note, "exact conditional, ties");
    } else {
        /* Normal approximation: E(W) = m1 m2 / 2, Var(W) with the tie
         * correction (Lehmann 1975, ch. 1), continuity correction 1/2
         * towards the mean. */
        double nn = m1 + m2;
        double var = m1 * m2 / 12.0 * ((nn + 1.0) - tie_sum / (nn * (nn - 1.0)));
        double z = w - m1 * m2 / 2.0;
        double corr = z > 0 ? 0.5 : (z < 0 ? -0.5 : 0.0);
        if (!(var > 0.0)) {
            zf_note_add(res.note, sizeof res.note, "all values tied");
            goto done;
        }
        z = (z - corr) / sqrt(var);
        res.p = fmin(1.0, 2.0 * gsl_cdf_ugaussian_Q(fabs(z)));
        zf_note_add(res.note, sizeof res.note, ties ? "normal approximation, ties" : "normal approximation");
    }

done:
    free(all);
    free(order);
    zf_sample_pair_free(&s);
    if (rc == ZF_OK)
        *r = res;
    return rc;
}
