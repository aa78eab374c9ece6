/* common.c: helpers shared by the statistics sources: NaN-free sample copies (two and k groups), mid-ranks, NaN results, notes. */
#include "stats/stats_internal.h"

#include "zfstress/core.h"

#include <gsl/gsl_math.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sort.h>

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copy the non-NaN values of src into a new array (at least one slot, so
 * malloc(0) never masquerades as an allocation failure). */
static int copy_present(const double *src, size_t n, double **out, size_t *nout,
                        size_t *missing, int *infinite)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    size_t k = 0;
    if (!v)
        return zf_error(ZF_ENOMEM, "out of memory copying %zu values", n);
    for (size_t i = 0; i < n; i++) {
        if (isnan(src[i])) {
            (*missing)++;
            continue;
        }
        if (isinf(src[i]))
            *infinite = 1;
        v[k++] = src[i];
    }
    *out = v;
    *nout = k;
    return ZF_OK;
}

int zf_sample_pair_init(zf_sample_pair *s, const double *x, size_t nx,
                        const double *y, size_t ny, char *note, size_t note_size)
{
    int rc;
    memset(s, 0, sizeof *s);
    if ((!x && nx) || (!y && ny))
        return zf_error(ZF_EINVAL, "two-sample test: NULL data with a nonzero count");
    rc = copy_present(x, nx, &s->x, &s->nx, &s->missing, &s->infinite);
    if (rc == ZF_OK)
        rc = copy_present(y, ny, &s->y, &s->ny, &s->missing, &s->infinite);
    if (rc != ZF_OK) {
        zf_sample_pair_free(s);
        return rc;
    }
    if (s->missing)
        zf_note_add(note, note_size, "%zu missing value%s dropped", s->missing,
                    s->missing == 1 ? "" : "s");
    if (s->infinite)
        zf_note_add(note, note_size, "infinite value in data");
    return ZF_OK;
}

int zf_sample_pair_start(zf_sample_pair *s, zf_test_result *res, const double *x, size_t nx,
                         const double *y, size_t ny, int *go)
{
    int rc;
    *go = 0;
    zf_test_result_nan(res);
    rc = zf_sample_pair_init(s, x, nx, y, ny, res->note, sizeof res->note);
    if (rc != ZF_OK)
        return rc;
    if (s->infinite)
        return ZF_OK;
    if (s->nx < 1 || s->ny < 1) {
        zf_note_add(res->note, sizeof res->note, "empty group");
        return ZF_OK;
    }
    *go = 1;
    return ZF_OK;
}

void zf_sample_pair_pool(const zf_sample_pair *s, double *z)
{
    for (size_t i = 0; i < s->nx; i++)
        z[i] = s->x[i];
    for (size_t i = 0; i < s->ny; i++)
        z[s->nx + i] = s->y[i];
}

void zf_sample_pair_free(zf_sample_pair *s)
{
    if (!s)
        return;
    free(s->x);
    free(s->y);
    memset(s, 0, sizeof *s);
}

void zf_test_result_nan(zf_test_result *r)
{
    r->estimate = r->ci_low = r->ci_high = GSL_NAN;
    r->statistic = r->df = r->df2 = r->p = GSL_NAN;
    r->note[0] = '\0';
}

void zf_note_add(char *note, size_t size, const char *fmt, ...)
{
    size_t len;
    va_list ap;
    if (!note || size == 0)
        return;
    len = strnlen(note, size);
    if (len + 1 >= size)
        return;
    if (len > 0) {
        int w = snprintf(note + len, size - len, "; ");
        if (w < 0)
            return;
        len += (size_t)w;
        if (len + 1 >= size) {
            note[size - 1] = '\0';
            return;
        }
    }
    va_start(ap, fmt);
    if (vsnprintf(note + len, size - len, fmt, ap) < 0)
        note[len] = '\0';
    va_end(ap);
}

double zf_hedges_j(double m)
{
    if (!(m >= 2.0))
        return GSL_NAN;
    return exp(gsl_sf_lngamma(m / 2.0) - 0.5 * log(m / 2.0) - gsl_sf_lngamma((m - 1.0) / 2.0));
}

int zf_groups_init(zf_groups *g, const double *const *groups, const size_t *n, size_t k,
                   char *note, size_t note_size)
{
    size_t cap = 0;
    int rc = ZF_OK;

    memset(g, 0, sizeof *g);
    if ((!groups || !n) && k)
        return zf_error(ZF_EINVAL, "k-sample test: NULL groups");
    for (size_t i = 0; i < k; i++) {
        if (!groups[i] && n[i])
            return zf_error(ZF_EINVAL, "k-sample test: group %zu is NULL with %zu values", i, n[i]);
        if (n[i] > SIZE_MAX / sizeof *g->v - cap - 1)
            return zf_error(ZF_EINVAL, "k-sample test: too many values");
        cap += n[i];
    }
    g->v = malloc((cap ? cap : 1) * sizeof *g->v);
    g->off = malloc((k ? k : 1) * sizeof *g->off);
    g->n = malloc((k ? k : 1) * sizeof *g->n);
    if (!g->v || !g->off || !g->n) {
        rc = zf_error(ZF_ENOMEM, "k-sample test: out of memory for %zu values", cap);
        goto done;
    }
    g->k = k;
    for (size_t i = 0; i < k; i++) {
        g->off[i] = g->total;
        g->n[i] = 0;
        for (size_t j = 0; j < n[i]; j++) {
            double v = groups[i][j];
            if (isnan(v)) {
                g->missing++;
                continue;
            }
            if (isinf(v))
                g->infinite = 1;
            g->v[g->total++] = v;
            g->n[i]++;
        }
    }
    if (g->missing)
        zf_note_add(note, note_size, "%zu missing value%s dropped", g->missing, g->missing == 1 ? "" : "s");
    if (g->infinite)
        zf_note_add(note, note_size, "infinite value in data");
done:
    if (rc != ZF_OK)
        zf_groups_free(g);
    return rc;
}

void zf_groups_free(zf_groups *g)
{
    if (!g)
        return;
    free(g->v);
    free(g->off);
    free(g->n);
    memset(g, 0, sizeof *g);
}

void zf_midranks(const double *v, size_t n, size_t *order, double *rank, double *tie_sum)
{
    double ts = 0.0;
    if (n)
        gsl_sort_index(order, v, 1, n);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        double mid, t;
        while (j < n && v[order[j]] == v[order[i]])
            j++;
        mid = ((double)(i + 1) + (double)j) / 2.0;
        for (size_t q = i; q < j; q++)
            rank[order[q]] = mid;
        t = (double)(j - i);
        ts += t * t * t - t;
        i = j;
    }
    *tie_sum = ts;
}

double *zf_rank_sum_counts(size_t m, size_t big)
{
    size_t smax = m * big;   /* bound on any rank sum of m ranks */
    size_t width = smax + 1;
    double *cnt = calloc((m + 1) * width, sizeof *cnt);
    if (!cnt)
        return NULL;
    cnt[0] = 1.0; /* the empty subset */
    for (size_t rank = 1; rank <= big; rank++) {
        size_t kmax = rank < m ? rank : m;
        for (size_t k = kmax; k >= 1; k--) {
            double *row = cnt + k * width;
            const double *prev = cnt + (k - 1) * width;
            /* k ranks of 1..rank sum to at most k * rank - k(k-1)/2: above, every count is 0 */
            size_t top = k * rank - k * (k - 1) / 2;
            for (size_t s = top < smax ? top : smax; s >= rank; s--)
                row[s] += prev[s - rank];
        }
    }
    if (m > 0)
        memmove(cnt, cnt + m * width, width * sizeof *cnt);
    return cnt;
}
