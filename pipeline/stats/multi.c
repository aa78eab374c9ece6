/* multi.c: more than two groups: one-way and Welch ANOVA, Kruskal-Wallis, and the post hoc Tukey HSD, Dunnett and Dunn procedures. */
#include "zfstress/stats.h"

#include "stats/stats_internal.h"
#include "zfstress/core.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_statistics_double.h>

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Per-group summaries of the groups that have data. */
typedef struct group_stats {
    zf_groups g;
    double *mean, *var;  /* [k]; NaN for empty groups, var NaN when n < 2 */
    size_t kk;           /* groups with at least one value */
    double ssw;          /* within-group sum of squares */
    double grand;        /* grand mean */
    char note[128];
} group_stats;

static void group_stats_free(group_stats *s)
{
    zf_groups_free(&s->g);
    free(s->mean);
    free(s->var);
    s->mean = s->var = NULL;
}

static int group_stats_init(group_stats *s, const double *const *groups, const size_t *n, size_t k)
{
    int rc;
    memset(s, 0, sizeof *s);
    rc = zf_groups_init(&s->g, groups, n, k, s->note, sizeof s->note);
    if (rc != ZF_OK)
        return rc;
    s->mean = malloc((k ? k : 1) * sizeof *s->mean);
    s->var = malloc((k ? k : 1) * sizeof *s->var);
    if (!s->mean || !s->var) {
        group_stats_free(s);
        return zf_error(ZF_ENOMEM, "k-sample test: out of memory for %zu groups", k);
    }
    for (size_t i = 0; i < k; i++) {
        const double *v = s->g.v + s->g.off[i];
        size_t ni = s->g.n[i];
        s->mean[i] = s->var[i] = GSL_NAN;
        if (ni == 0)
            continue;
        s->kk++;
        s->mean[i] = gsl_stats_mean(v, 1, ni);
        s->ssw += gsl_stats_tss_m(v, 1, ni, s->mean[i]);
        if (ni >= 2)
            s->var[i] = gsl_stats_variance_m(v, 1, ni, s->mean[i]);
    }
    s->grand = s->g.total ? gsl_stats_mean(s->g.v, 1, s->g.total) : GSL_NAN;
    if (k > s->kk && !s->g.infinite)
        zf_note_add(s->note, sizeof s->note, "%zu empty group%s left out", k - s->kk, k - s->kk == 1 ? "" : "s");
    return ZF_OK;
}

/* 1 when the within-group spread is at rounding level of the means. */
static int no_spread(const group_stats *s)
{
    double big = 0.0;
    for (size_t i = 0; i < s->g.k; i++)
        if (s->g.n[i])
            big = fmax(big, fabs(s->mean[i]));
    return !(sqrt(s->ssw / (double)s->g.total) > 10.0 * DBL_EPSILON * big);
}

/* The start of the omnibus tests: res all NaN with the notes of the groups in s. */
static int omnibus_init(group_stats *s, zf_test_result *res, const double *const *groups, const size_t *n,
                        size_t k)
{
    int rc;
    zf_test_result_nan(res);
    if ((rc = group_stats_init(s, groups, n, k)) != ZF_OK)
        return rc;
    memcpy(res->note, s->note, sizeof res->note);
    return ZF_OK;
}

/* Shared checks of the omnibus tests; 1 when the test can go on. */
static int omnibus_ok(const group_stats *s, zf_test_result *r)
{
    if (s->g.infinite)
        return 0;
    if (s->kk < 2) {
        zf_note_add(r->note, sizeof r->note, "fewer than 2 groups with data");
        return 0;
    }
    if (s->g.total <= s->kk) {
        zf_note_add(r->note, sizeof r->note, "no residual degrees of freedom");
        return 0;
    }
    return 1;
}

int zf_test_anova(const double *const *groups, const size_t *n, size_t k, zf_test_result *r)
{
    group_stats s;
    zf_test_result res;
    double ssb = 0.0, df1, df2, f;
    int rc;

    if (!r)
        return zf_error(ZF_EINVAL, "ANOVA: NULL result");
    if ((rc = omnibus_init(&s, &res, groups, n, k)) != ZF_OK)
        return rc;
    if (!omnibus_ok(&s, &res))
        goto done;
    if (no_spread(&s)) {
        zf_note_add(res.note, sizeof res.note, "data are essentially constant within groups");
        goto done;
    }
    for (size_t i = 0; i < k; i++)
        if (s.g.n[i])
            ssb += (double)s.g.n[i] * (s.mean[i] - s.grand) * (s.mean[i] - s.grand);
    df1 = (double)s.kk - 1.0;
    df2 = (double)s.g.total - (double)s.kk;
    f = (ssb / df1) / (s.ssw / df2);
    res.estimate = res.statistic = f;
    res.df = df1;
    res.df2 = df2;
    res.p = gsl_cdf_fdist_Q(f, df1, df2);
done:
    group_stats_free(&s);
    *r = res;
    return ZF_OK;
}

int zf_test_welch_anova(const double *const *groups, const size_t *n, size_t k, zf_test_result *r)
{
    group_stats s;
    zf_test_result res;
    double sw = 0.0, mw = 0.0, a = 0.0, tmp = 0.0, kk;
    int rc;

    if (!r)
        return zf_error(ZF_EINVAL, "Welch ANOVA: NULL result");
    if ((rc = omnibus_init(&s, &res, groups, n, k)) != ZF_OK)
        return rc;
    if (!omnibus_ok(&s, &res))
        goto done;
    /* Welch (1951): weights w_i = n_i / s_i^2 need two values and some spread in every group. */
    for (size_t i = 0; i < k; i++) {
        if (!s.g.n[i])
            continue;
        if (s.g.n[i] < 2) {
            zf_note_add(res.note, sizeof res.note, "fewer than 2 observations in a group");
            goto done;
        }
        if (!(s.var[i] > 0.0) || !(sqrt(s.var[i]) > 10.0 * DBL_EPSILON * fabs(s.mean[i]))) {
            zf_note_add(res.note, sizeof res.note, "zero variance in a group");
            goto done;
        }
    }
    kk = (double)s.kk;
    for (size_t i = 0; i < k; i++)
        if (s.g.n[i]) {
            double w = (double)s.g.n[i] / s.var[i];
            sw += w;
            mw += w * s.mean[i];
        }
    mw /= sw;
    for (size_t i = 0; i < k; i++)
        if (s.g.n[i]) {
            double w = (double)s.g.n[i] / s.var[i], d = 1.0 - w / sw;
            a += w * (s.mean[i] - mw) * (s.mean[i] - mw);
            tmp += d * d / ((double)s.g.n[i] - 1.0);
        }
    tmp /= kk * kk - 1.0;
    res.estimate = res.statistic = a / ((kk - 1.0) * (1.0 + 2.0 * (kk - 2.0) * tmp));
    res.df = kk - 1.0;
    res.df2 = 1.0 / (3.0 * tmp);
    res.p = gsl_cdf_fdist_Q(res.statistic, res.df, res.df2);
done:
    group_stats_free(&s);
    *r = res;
    return ZF_OK;
}

/* Mid-ranks of the pooled sample and the mean rank of each group. */
typedef struct rank_stats {
    double *rank, *mean_rank;  /* [total], [k] */
    double tie_sum;
} rank_stats;

static void rank_stats_free(rank_stats *rs)
{
    free(rs->rank);
    free(rs->mean_rank);
    rs->rank = rs->mean_rank = NULL;
}

static int rank_stats_init(rank_stats *rs, const zf_groups *g)
{
    size_t *order = NULL;
    int rc = ZF_OK;
    memset(rs, 0, sizeof *rs);
    rs->rank = malloc((g->total ? g->total : 1) * sizeof *rs->rank);
    rs->mean_rank = malloc((g->k ? g->k : 1) * sizeof *rs->mean_rank);
    order = malloc((g->total ? g->total : 1) * sizeof *order);
    if (!rs->rank || !rs->mean_rank || !order) {
        rc = zf_error(ZF_ENOMEM, "rank test: out of memory for %zu values", g->total);
        rank_stats_free(rs);
        goto done;
    }
    zf_midranks(g->v, g->total, order, rs->rank, &rs->tie_sum);
    for (size_t i = 0; i < g->k; i++) {
        double sum = 0.0;
        for (size_t j = 0; j < g->n[i]; j++)
            sum += rs->rank[g->off[i] + j];
        rs->mean_rank[i] = g->n[i] ? sum / (double)g->n[i] : GSL_NAN;
    }
done:
    free(order);
    return rc;
}

int zf_test_kruskal(const double *const *groups, const size_t *n, size_t k, zf_test_result *r)
{
    group_stats s;
    rank_stats rs;
    zf_test_result res;
    double nn, num = 0.0, corr;
    int rc;

    if (!r)
        return zf_error(ZF_EINVAL, "Kruskal-Wallis: NULL result");
    memset(&rs, 0, sizeof rs);
    if ((rc = omnibus_init(&s, &res, groups, n, k)) != ZF_OK)
        return rc;
    if (s.g.infinite)
        goto done;
    if (s.kk < 2) {
        zf_note_add(res.note, sizeof res.note, "fewer than 2 groups with data");
        goto done;
    }
    if ((rc = rank_stats_init(&rs, &s.g)) != ZF_OK)
        goto done;
    nn = (double)s.g.total;
    /* Kruskal & Wallis (1952): H = 12 / (N (N+1)) sum n_i (Rbar_i - (N+1)/2)^2,
     * divided by 1 - sum (t^3 - t) / (N^3 - N) for ties. */
    corr = 1.0 - rs.tie_sum / (nn * nn * nn - nn);
    if (!(corr > 1e-12)) {
        zf_note_add(res.note, sizeof res.note, "all values tied");
        goto done;
    }
    for (size_t i = 0; i < k; i++)
        if (s.g.n[i]) {
            double d = rs.mean_rank[i] - (nn + 1.0) / 2.0;
            num += (double)s.g.n[i] * d * d;
        }
    res.estimate = res.statistic = 12.0 / (nn * (nn + 1.0)) * num / corr;
    res.df = (double)s.kk - 1.0;
    res.p = gsl_cdf_chisq_Q(res.statistic, res.df);
done:
    rank_stats_free(&rs);
    group_stats_free(&s);
    if (rc == ZF_OK)
        *r = res;
    return rc;
}

/* ---- post hoc ---- */

static size_t npairs(size_t k)
{
    return k < 2 ? 0 : k * (k - 1) / 2;
}

/* Every entry NaN with the shared note plus why. */
static void fill_nan(zf_test_result *out, size_t n, const char *note, const char *why)
{
    for (size_t i = 0; i < n; i++) {
        zf_test_result_nan(&out[i]);
        memcpy(out[i].note, note, sizeof out[i].note);
        if (why)
            zf_note_add(out[i].note, sizeof out[i].note, "%s", why);
    }
}

/* Checks shared by Tukey and Dunnett (pooled variance with N - k df). NULL when
 * the procedure can go on, else the reason. */
static const char *pooled_problem(const group_stats *s)
{
    if (s->g.infinite)
        return "";
    if (s->kk < 2)
        return "fewer than 2 groups with data";
    if (s->g.total <= s->kk)
        return "no residual degrees of freedom";
    if (no_spread(s))
        return "data are essentially constant within groups";
    return NULL;
}

int zf_posthoc_tukey(const double *const *groups, const size_t *n, size_t k, zf_test_result *out)
{
    group_stats s;
    size_t np = npairs(k), c = 0;
    double df, mse, qcrit = GSL_NAN;
    const char *why;
    int rc;

    if (!out && np)
        return zf_error(ZF_EINVAL, "Tukey HSD: NULL results");
    if ((rc = group_stats_init(&s, groups, n, k)) != ZF_OK)
        return rc;
    if ((why = pooled_problem(&s)) != NULL) {
        fill_nan(out, np, s.note, why[0] ? why : NULL);
        goto done;
    }
    df = (double)s.g.total - (double)s.kk;
    mse = s.ssw / df;
    if ((rc = zf_qtukey(0.95, s.kk, df, &qcrit)) != ZF_OK)
        goto done;
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++, c++) {
            zf_test_result *r = &out[c];
            double se;
            zf_test_result_nan(r);
            memcpy(r->note, s.note, sizeof r->note);
            if (!s.g.n[i] || !s.g.n[j]) {
                zf_note_add(r->note, sizeof r->note, "empty group");
                continue;
            }
            /* Tukey (1953), Kramer (1956): se of the difference over sqrt(2). */
            se = sqrt(0.5 * mse * (1.0 / (double)s.g.n[i] + 1.0 / (double)s.g.n[j]));
            r->estimate = s.mean[j] - s.mean[i];
            r->statistic = fabs(r->estimate) / se;
            r->df = df;
            r->ci_low = r->estimate - qcrit * se;
            r->ci_high = r->estimate + qcrit * se;
            if ((rc = zf_ptukey(r->statistic, s.kk, df, 0, &r->p)) != ZF_OK)
                goto done;
        }
done:
    group_stats_free(&s);
    return rc;
}

int zf_posthoc_dunnett(const double *const *groups, const size_t *n, size_t k, size_t control,
                       zf_test_result *out)
{
    group_stats s;
    double *lambda = NULL;
    size_t m = 0, c = 0;
    double df, sd, n0, ccrit = GSL_NAN;
    const char *why;
    int rc;

    if ((!out && k > 1) || control >= k)
        return zf_error(ZF_EINVAL, "Dunnett: NULL results or control %zu not among %zu groups", control, k);
    if ((rc = group_stats_init(&s, groups, n, k)) != ZF_OK)
        return rc;
    why = pooled_problem(&s);
    if (!why && !s.g.n[control])
        why = "control group empty";
    if (why) {
        fill_nan(out, k - 1, s.note, why[0] ? why : NULL);
        goto done;
    }
    lambda = malloc(k * sizeof *lambda);
    if (!lambda) {
        rc = zf_error(ZF_ENOMEM, "Dunnett: out of memory");
        goto done;
    }
    n0 = (double)s.g.n[control];
    /* Dunnett (1955): corr(T_i, T_j) = lambda_i lambda_j with
     * lambda_i = sqrt(n_i / (n_i + n_0)). */
    for (size_t i = 0; i < k; i++)
        if (i != control && s.g.n[i])
            lambda[m++] = sqrt((double)s.g.n[i] / ((double)s.g.n[i] + n0));
    df = (double)s.g.total - (double)s.kk;
    sd = sqrt(s.ssw / df);
    if (m > 0 && (rc = zf_qdunnett(0.95, m, lambda, df, &ccrit)) != ZF_OK)
        goto done;
    for (size_t i = 0; i < k; i++) {
        zf_test_result *r;
        double se;
        if (i == control)
            continue;
        r = &out[c++];
        zf_test_result_nan(r);
        memcpy(r->note, s.note, sizeof r->note);
        if (!s.g.n[i]) {
            zf_note_add(r->note, sizeof r->note, "empty group");
            continue;
        }
        se = sd * sqrt(1.0 / (double)s.g.n[i] + 1.0 / n0);
        r->estimate = s.mean[i] - s.mean[control];
        r->statistic = r->estimate / se;
        r->df = df;
        r->ci_low = r->estimate - ccrit * se;
        r->ci_high = r->estimate + ccrit * se;
        if ((rc = zf_pdunnett(fabs(r->statistic), m, lambda, df, 0, &r->p)) != ZF_OK)
            goto done;
    }
done:
    free(lambda);
    group_stats_free(&s);
    return rc;
}

/* Dunn (1964) for the pair (i, j): z = (Rbar_j - Rbar_i) / sqrt(v (1/n_i + 1/n_j)),
 * v = N (N+1) / 12 - sum (t^3 - t) / (12 (N-1)). */
static void dunn_pair(const group_stats *s, const rank_stats *rs, double v, size_t i, size_t j,
                      zf_test_result *r)
{
    zf_test_result_nan(r);
    memcpy(r->note, s->note, sizeof r->note);
    if (s->g.infinite)
        return;
    if (!s->g.n[i] || !s->g.n[j]) {
        zf_note_add(r->note, sizeof r->note, "empty group");
        return;
    }
    r->estimate = rs->mean_rank[j] - rs->mean_rank[i];
    if (!(v > 0.0)) {
        zf_note_add(r->note, sizeof r->note, "all values tied");
        return;
    }
    r->statistic = r->estimate / sqrt(v * (1.0 / (double)s->g.n[i] + 1.0 / (double)s->g.n[j]));
    r->p = fmin(1.0, 2.0 * gsl_cdf_ugaussian_Q(fabs(r->statistic)));
}

int zf_posthoc_dunn(const double *const *groups, const size_t *n, size_t k, size_t control,
                    zf_test_result *out)
{
    group_stats s;
    rank_stats rs;
    int all_pairs = control == (size_t)-1;
    size_t nout = all_pairs ? npairs(k) : (k ? k - 1 : 0), c = 0;
    double nn, v = 0.0;
    int rc;

    if ((!out && nout) || (!all_pairs && control >= k))
        return zf_error(ZF_EINVAL, "Dunn: NULL results or control %zu not among %zu groups", control, k);
    memset(&rs, 0, sizeof rs);
    if ((rc = group_stats_init(&s, groups, n, k)) != ZF_OK)
        return rc;
    if (!s.g.infinite && s.g.total >= 2) {
        if ((rc = rank_stats_init(&rs, &s.g)) != ZF_OK)
            goto done;
        nn = (double)s.g.total;
        v = nn * (nn + 1.0) / 12.0 - rs.tie_sum / (12.0 * (nn - 1.0));
        if (v < 1e-12 * nn * (nn + 1.0) / 12.0)
            v = 0.0;
    }
    if (!rs.mean_rank) {
        fill_nan(out, nout, s.note, s.g.infinite ? NULL : "fewer than 2 values");
        goto done;
    }
    if (all_pairs) {
        for (size_t i = 0; i < k; i++)
            for (size_t j = i + 1; j < k; j++)
                dunn_pair(&s, &rs, v, i, j, &out[c++]);
    } else {
        for (size_t i = 0; i < k; i++)
            if (i != control)
                dunn_pair(&s, &rs, v, control, i, &out[c++]);
    }
done:
    rank_stats_free(&rs);
    group_stats_free(&s);
    return rc;
}
