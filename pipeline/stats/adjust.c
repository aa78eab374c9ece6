/* adjust.c: family-wise and false-discovery-rate p-value adjustments (as R's p.adjust, plus Sidak and Holm-Sidak). */
#include "zfstress/stats.h"

#include "stats/stats_internal.h"
#include "zfstress/core.h"

#include <gsl/gsl_sort.h>

#include <math.h>
#include <stdlib.h>
#include <strings.h>

/* The adjustment methods; the first name of each is the canonical one. */
static const struct {
    int method;
    const char *name;
} adjust_table[] = {
    {ZF_ADJ_NONE, "none"},
    {ZF_ADJ_HOLM, "holm"},
    {ZF_ADJ_BONFERRONI, "bonferroni"},
    {ZF_ADJ_HOCHBERG, "hochberg"},
    {ZF_ADJ_BH, "BH"},
    {ZF_ADJ_BY, "BY"},
    {ZF_ADJ_SIDAK, "sidak"},
    {ZF_ADJ_HOLM_SIDAK, "holm-sidak"},
    {ZF_ADJ_BH, "fdr"},
};
#define ADJUST_COUNT (sizeof adjust_table / sizeof adjust_table[0])

static int adjust_known(int method)
{
    for (size_t i = 0; i < ADJUST_COUNT; i++)
        if (adjust_table[i].method == method)
            return 1;
    return 0;
}

const char *zf_adjust_name(int method)
{
    for (size_t i = 0; i < ADJUST_COUNT; i++)
        if (adjust_table[i].method == method)
            return adjust_table[i].name;
    return "unknown";
}

int zf_adjust_parse(const char *name)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < ADJUST_COUNT; i++)
        if (strcasecmp(adjust_table[i].name, name) == 0)
            return adjust_table[i].method;
    return -1;
}

int zf_p_adjust(const double *p, size_t n, int method, double *out)
{
    double *q = NULL, *adj = NULL;
    size_t *ord = NULL, *idx = NULL;
    size_t m = 0;
    double fm;
    int rc = ZF_OK;

    if ((!p || !out) && n)
        return zf_error(ZF_EINVAL, "p-value adjustment: NULL array");
    if (!adjust_known(method))
        return zf_error(ZF_EINVAL, "p-value adjustment: unknown method %d", method);
    for (size_t i = 0; i < n; i++)
        if (!isnan(p[i]) && !(p[i] >= 0.0 && p[i] <= 1.0))
            return zf_error(ZF_EINVAL, "p-value adjustment: p[%zu] = %g is not in [0, 1]", i, p[i]);
    if (n == 0)
        return ZF_OK;

    /* The family is the non-NaN values: q[k] = p[idx[k]]. */
    q = malloc(n * sizeof *q);
    adj = malloc(n * sizeof *adj);
    idx = malloc(n * sizeof *idx);
    ord = malloc(n * sizeof *ord);
    if (!q || !adj || !idx || !ord) {
        rc = zf_error(ZF_ENOMEM, "p-value adjustment: out of memory for %zu values", n);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if (!isnan(p[i])) {
            idx[m] = i;
            q[m++] = p[i];
        }
    fm = (double)m;
    if (m > 0)
        gsl_sort_index(ord, q, 1, m); /* ascending */

    switch (method) {
    case ZF_ADJ_NONE:
        for (size_t k = 0; k < m; k++)
            adj[k] = q[k];
        break;
    case ZF_ADJ_BONFERRONI:
        for (size_t k = 0; k < m; k++)
            adj[k] = fmin(1.0, fm * q[k]);
        break;
    case ZF_ADJ_HOLM: {
        /* Holm (1979): step down, (m - i + 1) p_(i) made monotone upwards. */
        double run = 0.0;
        for (size_t i = 0; i < m; i++) {
            double v = (fm - (double)i) * q[ord[i]];
            run = fmax(run, v);
            adj[ord[i]] = fmin(1.0, run);
        }
        break;
    }
    case ZF_ADJ_SIDAK:
        /* Sidak (1967): 1 - (1 - p)^m, as -expm1(m log1p(-p)) for small p. */
        for (size_t k = 0; k < m; k++)
            adj[k] = fmin(1.0, -expm1(fm * log1p(-q[k])));
        break;
    case ZF_ADJ_HOLM_SIDAK: {
        /* Holm (1979) step-down with Sidak's bound: 1 - (1 - p_(i))^(m - i + 1), made monotone upwards. */
        double run = 0.0;
        for (size_t i = 0; i < m; i++) {
            double v = -expm1((fm - (double)i) * log1p(-q[ord[i]]));
            run = fmax(run, v);
            adj[ord[i]] = fmin(1.0, run);
        }
        break;
    }
    case ZF_ADJ_HOCHBERG:
    case ZF_ADJ_BH:
    case ZF_ADJ_BY: {
        /* Hochberg (1988): step up, (m - i + 1) p_(i); Benjamini & Hochberg
         * (1995): m / i p_(i); Benjamini & Yekutieli (2001): BH times
         * sum_{j=1}^m 1/j; all made monotone downwards from the largest. */
        double run = INFINITY, cm = 1.0;
        if (method == ZF_ADJ_BY) {
            cm = 0.0;
            for (size_t j = m; j >= 1; j--)
                cm += 1.0 / (double)j;
        }
        for (size_t i = m; i-- > 0;) {
            double rank = (double)(i + 1);
            double v = method == ZF_ADJ_HOCHBERG ? (fm - rank + 1.0) * q[ord[i]]
                                                 : cm * fm / rank * q[ord[i]];
            run = fmin(run, v);
            adj[ord[i]] = fmin(1.0, run);
        }
        break;
    }
    default:
        break;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = p[i]; /* NaN stay NaN */
    for (size_t k = 0; k < m; k++)
        out[idx[k]] = adj[k];
done:
    free(q);
    free(adj);
    free(idx);
    free(ord);
    return rc;
}
