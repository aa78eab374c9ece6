/* checks.c: assumption checks reported beside the tests (Shapiro-Wilk after Royston, Brown-Forsythe) and the Jonckheere-Terpstra trend test for ordered groups. */
#include "zfstress/stats.h"

#include "stats/stats_internal.h"
#include "zfstress/core.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* c[0] + c[1] x + ... + c[nc-1] x^(nc-1) */
static double poly(const double *c, size_t nc, double x)
{
    double r = 0.0;
    for (size_t i = nc; i-- > 0;)
        r = r * x + c[i];
    return r;
}

/* ---- Shapiro-Wilk ---------------------------------------------------------- */

/* Royston (1992) approximations: the two extreme coefficients as polynomials
 * in 1/sqrt(n), and the normalising transformation of W (log(1 - W)) with
 * mean and log-SD polynomials in n (4 <= n <= 11, after the gamma transform)
 * or log(n) (n >= 12); as published in Royston (1995), Algorithm AS R94. */
static const double sw_c1[] = {0.0, 0.221157, -0.147981, -2.071190, 4.434685, -2.706056};
static const double sw_c2[] = {0.0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633};
static const double sw_c3[] = {0.5440, -0.39978, 0.025054, -6.714e-4};
static const double sw_c4[] = {1.3822, -0.77857, 0.062767, -0.0020322};
static const double sw_c5[] = {-1.5861, -0.31082, -0.083751, 0.0038915};
static const double sw_c6[] = {-0.4803, -0.082676, 0.0030302};
static const double sw_g[] = {-2.273, 0.459};
#define SW_MAX 5000

int zf_test_shapiro_wilk(const double *x, size_t n, zf_test_result *r)
{
    zf_sample_pair s;
    double *a = NULL, ssx, num = 0.0, w, mean;
    size_t half;
    int rc;

    if (!r || (!x && n))
        return zf_error(ZF_EINVAL, "Shapiro-Wilk: NULL argument");
    zf_test_result_nan(r);
    if ((rc = zf_sample_pair_init(&s, x, n, NULL, 0, r->note, sizeof r->note)) != ZF_OK)
        return rc;
    n = s.nx;
    if (s.infinite)
        goto done;
    if (n < 3) {
        zf_note_add(r->note, sizeof r->note, "fewer than 3 values");
        goto done;
    }
    if (n > SW_MAX) {
        zf_note_add(r->note, sizeof r->note, "more than %d values", SW_MAX);
        goto done;
    }
    gsl_sort(s.x, 1, n);
    mean = gsl_stats_mean(s.x, 1, n);
    ssx = gsl_stats_tss_m(s.x, 1, n, mean);
    if (!(s.x[n - 1] - s.x[0] > 1e-12 * fmax(fabs(s.x[0]), fabs(s.x[n - 1]))) || !(ssx > 0.0)) {
        zf_note_add(r->note, sizeof r->note, "all values identical");
        goto done;
    }
    half = n / 2;
    if (!(a = malloc(half * sizeof *a))) {
        rc = zf_error(ZF_ENOMEM, "Shapiro-Wilk: out of memory for %zu values", n);
        goto done;
    }
    /* a[i] multiplies x_(n-i) - x_(i+1): the upper half of the antisymmetric
     * coefficients, with sum of squares 1 over all n. */
    if (n == 3) {
        a[0] = M_SQRT1_2;
    } else {
        double summ2 = 0.0, ssumm2, rsn = 1.0 / sqrt((double)n), fac, a1, a2 = 0.0, m1, m2;
        size_t i1;
        for (size_t i = 0; i < half; i++) {
            double m = gsl_cdf_ugaussian_Pinv(((double)(i + 1) - 0.375) / ((double)n + 0.25));
            a[i] = -m; /* m_(n-i) = -m_(i+1) > 0 */
            summ2 += m * m;
        }
        summ2 *= 2.0;
        ssumm2 = sqrt(summ2);
        m1 = a[0];
        a1 = poly(sw_c1, 6, rsn) + m1 / ssumm2;
        if (n > 5) {
            m2 = a[1];
            a2 = poly(sw_c2, 6, rsn) + m2 / ssumm2;
            fac = sqrt((summ2 - 2.0 * m1 * m1 - 2.0 * m2 * m2) / (1.0 - 2.0 * a1 * a1 - 2.0 * a2 * a2));
            i1 = 2;
        } else {
            fac = sqrt((summ2 - 2.0 * m1 * m1) / (1.0 - 2.0 * a1 * a1));
            i1 = 1;
        }
        for (size_t i = i1; i < half; i++)
            a[i] /= fac;
        a[0] = a1;
        if (i1 == 2)
            a[1] = a2;
    }
    for (size_t i = 0; i < half; i++)
        num += a[i] * (s.x[n - 1 - i] - s.x[i]);
    w = fmin(1.0, num * num / ssx);
    r->estimate = r->statistic = w;
    if (n == 3) {
        /* exact for n = 3 (Shapiro & Wilk 1965): 6/pi (asin(sqrt(W)) - asin(sqrt(3/4))) */
        r->p = fmax(0.0, 6.0 / M_PI * (asin(sqrt(w)) - M_PI / 3.0));
    } else {
        double w1 = log1p(-w), m, sd, y;
        if (n <= 11) {
            double gamma = poly(sw_g, 2, (double)n);
            if (w1 >= gamma) {
                r->p = 1e-99; /* beyond the range of the transformation (as AS R94) */
                goto done;
            }
            y = -log(gamma - w1);
            m = poly(sw_c3, 4, (double)n);
            sd = exp(poly(sw_c4, 4, (double)n));
        } else {
            double ln = log((double)n);
            y = w1;
            m = poly(sw_c5, 4, ln);
            sd = exp(poly(sw_c6, 3, ln));
        }
        r->p = gsl_cdf_gaussian_Q(y - m, sd);
    }
done:
    free(a);
    zf_sample_pair_free(&s);
    return rc;
}

/* ---- Brown-Forsythe ------------------------------------------------------------ */

int zf_test_brown_forsythe(const double *const *groups, const size_t *n, size_t k, zf_test_result *r)
{
    zf_groups g;
    zf_test_result res;
    double *dev = NULL;
    const double **ptr = NULL;
    int rc;

    if (!r)
        return zf_error(ZF_EINVAL, "Brown-Forsythe: NULL result");
    zf_test_result_nan(&res);
    if ((rc = zf_groups_init(&g, groups, n, k, res.note, sizeof res.note)) != ZF_OK)
        return rc;
    dev = malloc((g.total ? g.total : 1) * sizeof *dev);
    ptr = malloc((k ? k : 1) * sizeof *ptr);
    if (!dev || !ptr) {
        rc = zf_error(ZF_ENOMEM, "Brown-Forsythe: out of memory for %zu values", g.total);
        goto done;
    }
    if (g.infinite)
        goto done;
    /* |x - median| within each group (Brown & Forsythe 1974), then the ANOVA F */
    for (size_t i = 0; i < k; i++) {
        double *v = dev + g.off[i], med;
        memcpy(v, g.v + g.off[i], g.n[i] * sizeof *v);
        ptr[i] = v;
        if (g.n[i] == 0)
            continue;
        gsl_sort(v, 1, g.n[i]);
        med = gsl_stats_median_from_sorted_data(v, 1, g.n[i]);
        for (size_t j = 0; j < g.n[i]; j++)
            v[j] = fabs(v[j] - med);
    }
    {
        zf_test_result a;
        char keep[sizeof res.note];
        memcpy(keep, res.note, sizeof keep);
        if ((rc = zf_test_anova(ptr, g.n, k, &a)) != ZF_OK)
            goto done;
        res = a;
        res.note[0] = '\0';
        zf_note_add(res.note, sizeof res.note, "%s", keep);
        if (a.note[0])
            zf_note_add(res.note, sizeof res.note, "%s", a.note);
    }
done:
    free(dev);
    free(ptr);
    zf_groups_free(&g);
    *r = res;
    return rc;
}

/* ---- Jonckheere-Terpstra ------------------------------------------------------- */

#define JT_EXACT_MAX 100

/* P(U = u), u = 0 .. a b, for the Mann-Whitney count U of samples of sizes a
 * and b without ties: the subsets of size m = min(a, b) of the ranks 1..a+b
 * counted by rank sum (additions only), divided by their number, C(a+b, m). */
static int mw_distribution(size_t a, size_t b, double *prob)
{
    size_t m = a < b ? a : b, base = m * (m + 1) / 2;
    double *cnt = zf_rank_sum_counts(m, a + b), total = 0.0;
    if (!cnt)
        return zf_error(ZF_ENOMEM, "Jonckheere-Terpstra: out of memory for the exact distribution");
    for (size_t u = 0; u <= a * b; u++)
        total += cnt[base + u];
    for (size_t u = 0; u <= a * b; u++)
        prob[u] = cnt[base + u] / total;
    free(cnt);
    return ZF_OK;
}

int zf_test_jonckheere(const double *const *groups, const size_t *n, size_t k, zf_test_result *r)
{
    zf_groups g;
    zf_test_result res;
    double *pool = NULL, *rank = NULL, *dist = NULL, *u = NULL, *next = NULL;
    size_t *order = NULL, kk = 0, big_n, maxj = 0;
    double j_stat = 0.0, tie_sum, sum_n2 = 0.0;
    int rc;

    if (!r)
        return zf_error(ZF_EINVAL, "Jonckheere-Terpstra: NULL result");
    zf_test_result_nan(&res);
    if ((rc = zf_groups_init(&g, groups, n, k, res.note, sizeof res.note)) != ZF_OK)
        return rc;
    big_n = g.total;
    pool = malloc((big_n ? big_n : 1) * sizeof *pool);
    rank = malloc((big_n ? big_n : 1) * sizeof *rank);
    order = malloc((big_n ? big_n : 1) * sizeof *order);
    if (!pool || !rank || !order) {
        rc = zf_error(ZF_ENOMEM, "Jonckheere-Terpstra: out of memory for %zu values", big_n);
        goto done;
    }
    for (size_t i = 0; i < k; i++)
        if (g.n[i]) {
            kk++;
            sum_n2 += (double)g.n[i] * (double)g.n[i];
        }
    if (k > kk)
        zf_note_add(res.note, sizeof res.note, "%zu empty group%s left out", k - kk, k - kk == 1 ? "" : "s");
    if (g.infinite)
        goto done;
    if (kk < 2) {
        zf_note_add(res.note, sizeof res.note, "fewer than 2 groups with data");
        goto done;
    }
    /* J = sum over groups j of the Mann-Whitney count of group j against the
     * pooled earlier groups: mid-rank sum of group j in the pool minus
     * n_j (n_j + 1) / 2 (ties between groups count 1/2). */
    {
        size_t s = 0;
        for (size_t i = 0; i < k; i++) {
            double rs = 0.0, ts;
            if (g.n[i] == 0)
                continue;
            memcpy(pool + s, g.v + g.off[i], g.n[i] * sizeof *pool);
            if (s > 0) {
                zf_midranks(pool, s + g.n[i], order, rank, &ts);
                for (size_t q = s; q < s + g.n[i]; q++)
                    rs += rank[q];
                j_stat += rs - (double)g.n[i] * ((double)g.n[i] + 1.0) / 2.0;
            }
            s += g.n[i];
        }
        zf_midranks(pool, big_n, order, rank, &tie_sum);
    }
    res.estimate = res.statistic = j_stat;
    if (tie_sum == 0.0 && big_n <= JT_EXACT_MAX) {
        /* Exact: under H0 the counts of the successive groups against the
         * pooled earlier ones are independent, so the distribution of J is
         * the convolution of Mann-Whitney distributions (Jonckheere 1954). */
        size_t len = 1, s = 0;
        for (size_t i = 0; i < k; i++)
            if (g.n[i] && s) {
                maxj += s * g.n[i];
                s += g.n[i];
            } else {
                s += g.n[i];
            }
        dist = calloc(maxj + 1, sizeof *dist);
        next = calloc(maxj + 1, sizeof *next);
        u = malloc((maxj + 1) * sizeof *u);
        if (!dist || !next || !u) {
            rc = zf_error(ZF_ENOMEM, "Jonckheere-Terpstra: out of memory for the exact distribution");
            goto done;
        }
        dist[0] = 1.0;
        s = 0;
        for (size_t i = 0; i < k; i++) {
            size_t ni = g.n[i], lu;
            if (!ni)
                continue;
            if (!s) {
                s = ni;
                continue;
            }
            if ((rc = mw_distribution(s, ni, u)) != ZF_OK)
                goto done;
            lu = s * ni + 1;
            memset(next, 0, (len + lu - 1) * sizeof *next);
            for (size_t x = 0; x < len; x++)
                for (size_t y = 0; y < lu; y++)
                    next[x + y] += dist[x] * u[y];
            len += lu - 1;
            memcpy(dist, next, len * sizeof *dist);
            s += ni;
        }
        {
            double lo = 0.0, hi = 0.0;
            size_t jj = (size_t)lround(j_stat);
            for (size_t x = 0; x < len; x++) {
                if (x <= jj)
                    lo += dist[x];
                if (x >= jj)
                    hi += dist[x];
            }
            res.p = fmin(1.0, 2.0 * fmin(lo, hi));
        }
        zf_note_add(res.note, sizeof res.note, "exact");
    } else {
        /* Normal approximation (Hollander & Wolfe 1999, with ties): mean
         * (N^2 - sum n_i^2)/4 and the tie-corrected variance. */
        double nn = (double)big_n, a1 = 0.0, a2 = 0.0, a3 = 0.0, t1 = 0.0, t2 = 0.0, t3 = 0.0, var, mean;
        for (size_t i = 0; i < k; i++) {
            double ni = (double)g.n[i];
            a1 += ni * (ni - 1.0) * (2.0 * ni + 5.0);
            a2 += ni * (ni - 1.0) * (ni - 2.0);
            a3 += ni * (ni - 1.0);
        }
        gsl_sort(pool, 1, big_n);
        for (size_t i = 0; i < big_n;) {
            size_t j = i + 1;
            double t;
            while (j < big_n && pool[j] == pool[i])
                j++;
            t = (double)(j - i);
            t1 += t * (t - 1.0) * (2.0 * t + 5.0);
            t2 += t * (t - 1.0) * (t - 2.0);
            t3 += t * (t - 1.0);
            i = j;
        }
        mean = (nn * nn - sum_n2) / 4.0;
        var = (nn * (nn - 1.0) * (2.0 * nn + 5.0) - a1 - t1) / 72.0;
        if (big_n > 2)
            var += a2 * t2 / (36.0 * nn * (nn - 1.0) * (nn - 2.0));
        var += a3 * t3 / (8.0 * nn * (nn - 1.0));
        if (!(var > 0.0)) {
            zf_note_add(res.note, sizeof res.note, "all values tied");
            goto done;
        }
        res.p = 2.0 * gsl_cdf_ugaussian_Q(fabs(j_stat - mean) / sqrt(var));
        zf_note_add(res.note, sizeof res.note, tie_sum > 0.0 ? "normal approximation, ties" : "normal approximation");
    }
done:
    free(pool);
    free(rank);
    free(order);
    free(dist);
    free(next);
    free(u);
    zf_groups_free(&g);
    *r = res;
    return rc;
}

/* ---- rows ---------------------------------------------------------------------- */

int zf_checks_rows(zf_stat_table *t, const char *metric, const char *const *labels,
                   const double *const *groups, const size_t *n, size_t k, const char *term)
{
    zf_test_result res;
    size_t total = 0;
    int rc = ZF_OK;

    for (size_t i = 0; i < k; i++) {
        size_t present = 0;
        for (size_t j = 0; j < n[i]; j++)
            present += isnan(groups[i][j]) ? 0u : 1u;
        total += present;
        if ((rc = zf_test_shapiro_wilk(groups[i], n[i], &res)) != ZF_OK)
            return rc;
        if (n[i] == 0)
            zf_note_add(res.note, sizeof res.note, "empty cell");
        if ((rc = zf_rows_add(t, metric, labels[i], "shapiro_wilk", present, 0, &res, "none")) != ZF_OK)
            return rc;
    }
    if ((rc = zf_test_brown_forsythe(groups, n, k, &res)) != ZF_OK)
        return rc;
    return zf_rows_add(t, metric, term, "brown_forsythe", total, 0, &res, "none");
}

int zf_stats_checks(zf_stat_table *t, const char *metric, const char *const *group,
                    const double *value, size_t n, const zf_compare_opts *opts)
{
    zf_split sp;
    zf_stat_table out;
    const double **ptr = NULL;
    char (*labels)[sizeof out.rows->contrast] = NULL;
    const char **lab = NULL;
    int rc;

    if (!t || !metric || !opts || ((!group || !value) && n))
        return zf_error(ZF_EINVAL, "checks: NULL argument");
    for (size_t i = 0; i < n; i++)
        if (!group[i])
            return zf_error(ZF_EINVAL, "checks: metric '%s': subject %zu has no group", metric, i);
    zf_stat_table_init(&out);
    if ((rc = zf_split_init(&sp, group, value, n, opts->control)) != ZF_OK)
        return rc;
    ptr = malloc((sp.nlev + 1) * sizeof *ptr);
    lab = malloc((sp.nlev + 1) * sizeof *lab);
    labels = malloc((sp.nlev + 1) * sizeof *labels);
    if (!ptr || !lab || !labels) {
        rc = zf_error(ZF_ENOMEM, "checks: out of memory");
        goto done;
    }
    for (size_t i = 0; i < sp.nlev; i++) {
        ptr[i] = sp.v + sp.off[i];
        if ((rc = zf_label(labels[i], sizeof labels[i], metric, "%s", sp.levels[i])) != ZF_OK)
            goto done;
        lab[i] = labels[i];
    }
    if ((rc = zf_checks_rows(&out, metric, lab, ptr, sp.cnt, sp.nlev, "omnibus")) != ZF_OK)
        goto done;
    rc = zf_rows_move(t, &out);
done:
    zf_stat_table_free(&out);
    zf_split_free(&sp);
    free(ptr);
    free(lab);
    free(labels);
    return rc;
}
