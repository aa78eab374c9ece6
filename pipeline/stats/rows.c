/* rows.c: shared building blocks of the Statistics II designs: rows appended to a results table, labels that must fit, corrections over a family of rows (per metric or study-wide), observations split by level. */
#include "zfstress/stats.h"

#include "stats/stats_internal.h"
#include "zfstress/core.h"

#include <gsl/gsl_math.h>

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int zf_rows_reserve(zf_stat_table *t, size_t extra)
{
    size_t cap;
    zf_stat_row *rows;
    if (extra <= t->cap - t->n)
        return ZF_OK;
    if (extra > SIZE_MAX / sizeof *rows - t->n)
        return zf_error(ZF_ENOMEM, "results table: too many rows");
    cap = t->cap ? t->cap : 16;
    while (cap < t->n + extra)
        cap = cap > SIZE_MAX / sizeof *rows / 2 ? t->n + extra : cap * 2;
    rows = realloc(t->rows, cap * sizeof *rows);
    if (!rows)
        return zf_error(ZF_ENOMEM, "results table: out of memory for %zu rows", cap);
    t->rows = rows;
    t->cap = cap;
    return ZF_OK;
}

void zf_row_fill(zf_stat_row *row, const char *metric, const char *contrast, const char *procedure,
                 size_t n1, size_t n2, const zf_test_result *r, const char *adjust_method)
{
    snprintf(row->metric, sizeof row->metric, "%s", metric);
    snprintf(row->contrast, sizeof row->contrast, "%s", contrast);
    snprintf(row->procedure, sizeof row->procedure, "%s", procedure);
    row->n1 = n1;
    row->n2 = n2;
    row->estimate = r->estimate;
    row->ci_low = r->ci_low;
    row->ci_high = r->ci_high;
    row->statistic = r->statistic;
    row->df = r->df;
    row->df2 = r->df2;
    row->p = r->p;
    row->p_adjusted = GSL_NAN;
    snprintf(row->adjust_method, sizeof row->adjust_method, "%s", adjust_method);
    snprintf(row->note, sizeof row->note, "%s", r->note);
}

int zf_rows_add(zf_stat_table *t, const char *metric, const char *contrast, const char *procedure,
                size_t n1, size_t n2, const zf_test_result *r, const char *adjust_method)
{
    zf_stat_row *row;
    int rc = zf_rows_reserve(t, 1);
    if (rc != ZF_OK)
        return rc;
    row = &t->rows[t->n++];
    memset(row, 0, sizeof *row);
    zf_row_fill(row, metric, contrast, procedure, n1, n2, r, adjust_method);
    if (strcmp(adjust_method, "none") == 0 || strcmp(adjust_method, "single-step") == 0)
        row->p_adjusted = r->p;
    return ZF_OK;
}

/* The family idx[0..m) of t's rows (their p in p[]) adjusted with method; q is scratch of m. */
static int adjust_family(zf_stat_table *t, const size_t *idx, const double *p, size_t m, int method, double *q)
{
    int rc = zf_p_adjust(p, m, method, q);
    if (rc != ZF_OK)
        return rc;
    for (size_t j = 0; j < m; j++) {
        zf_stat_row *row = &t->rows[idx[j]];
        row->p_adjusted = q[j];
        snprintf(row->adjust_method, sizeof row->adjust_method, "%s", zf_adjust_name(method));
    }
    return ZF_OK;
}

int zf_rows_adjust(zf_stat_table *t, size_t first, const char *procedure, int method)
{
    double *p = NULL, *q = NULL;
    size_t *idx = NULL, m = 0, cnt = t->n > first ? t->n - first : 0;
    int rc = ZF_OK;

    if (cnt == 0)
        return ZF_OK;
    p = malloc(cnt * sizeof *p);
    q = malloc(cnt * sizeof *q);
    idx = malloc(cnt * sizeof *idx);
    if (!p || !q || !idx) {
        rc = zf_error(ZF_ENOMEM, "p-value adjustment: out of memory");
        goto done;
    }
    for (size_t i = first; i < t->n; i++)
        if (strcmp(t->rows[i].procedure, procedure) == 0) {
            idx[m] = i;
            p[m++] = t->rows[i].p;
        }
    if ((rc = adjust_family(t, idx, p, m, method, q)) != ZF_OK)
        goto done;
done:
    free(p);
    free(q);
    free(idx);
    return rc;
}

int zf_rows_move(zf_stat_table *dst, zf_stat_table *src)
{
    int rc;
    if (src->n == 0) {
        zf_stat_table_free(src);
        return ZF_OK;
    }
    if ((rc = zf_rows_reserve(dst, src->n)) != ZF_OK)
        return rc;
    memcpy(dst->rows + dst->n, src->rows, src->n * sizeof *src->rows);
    dst->n += src->n;
    zf_stat_table_free(src);
    return ZF_OK;
}

int zf_label(char *buf, size_t size, const char *metric, const char *fmt, ...)
{
    va_list ap;
    int w;
    va_start(ap, fmt);
    w = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= size)
        return zf_error(ZF_EDATA, "metric '%s': contrast '%s...' longer than %zu characters (shorter level names?)",
                        metric, buf, size - 1);
    return ZF_OK;
}

void zf_number_label(char *buf, size_t size, double v)
{
    snprintf(buf, size, "%.15g", v == 0.0 ? 0.0 : v); /* no "-0" */
}

int zf_split_init(zf_split *s, const char *const *group, const double *value, size_t n, const char *first)
{
    size_t *pos = NULL;
    int rc = ZF_OK;

    memset(s, 0, sizeof *s);
    s->levels = malloc((n + 1) * sizeof *s->levels);
    s->off = malloc((n + 1) * sizeof *s->off);
    s->cnt = calloc(n + 1, sizeof *s->cnt);
    s->v = malloc((n + 1) * sizeof *s->v);
    pos = malloc((n + 1) * sizeof *pos);
    if (!s->levels || !s->off || !s->cnt || !s->v || !pos) {
        rc = zf_error(ZF_ENOMEM, "out of memory splitting %zu observations by level", n);
        goto done;
    }
    if (first)
        for (size_t i = 0; i < n && !s->first_found; i++)
            if (strcmp(group[i], first) == 0) {
                s->levels[s->nlev++] = group[i];
                s->first_found = 1;
            }
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < s->nlev && strcmp(s->levels[k], group[i]) != 0)
            k++;
        if (k == s->nlev)
            s->levels[s->nlev++] = group[i];
        s->cnt[k]++;
        pos[i] = k;
    }
    for (size_t k = 0, o = 0; k < s->nlev; k++) {
        s->off[k] = o;
        o += s->cnt[k];
        s->cnt[k] = 0;
    }
    for (size_t i = 0; i < n; i++)
        s->v[s->off[pos[i]] + s->cnt[pos[i]]++] = value[i];
done:
    free(pos);
    if (rc != ZF_OK)
        zf_split_free(s);
    return rc;
}

void zf_split_free(zf_split *s)
{
    if (!s)
        return;
    free(s->levels);
    free(s->off);
    free(s->cnt);
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* ---- families ---------------------------------------------------------- */

/* How each procedure's p values enter a study-wide family. */
enum { FAM_NEVER, FAM_CONTRASTS, FAM_ONE };
static const struct {
    const char *procedure;
    int kind;
} family_table[] = {
    {"welch_t", FAM_CONTRASTS}, {"student_t", FAM_CONTRASTS}, {"mann_whitney", FAM_CONTRASTS},
    {"permutation", FAM_CONTRASTS}, {"dunn", FAM_CONTRASTS}, {"pairwise_t", FAM_CONTRASTS},
    {"simple_effect", FAM_CONTRASTS},
    {"anova", FAM_ONE}, {"welch_anova", FAM_ONE}, {"kruskal_wallis", FAM_ONE},
    {"anova_type2", FAM_ONE}, {"anova_type3", FAM_ONE}, {"mixed_anova", FAM_ONE},
    {"mixed_anova_gg", FAM_ONE}, {"mixed_anova_hf", FAM_ONE}, {"jonckheere", FAM_ONE},
};

static int family_kind(const char *procedure)
{
    for (size_t i = 0; i < sizeof family_table / sizeof family_table[0]; i++)
        if (strcmp(family_table[i].procedure, procedure) == 0)
            return family_table[i].kind;
    return FAM_NEVER;
}

static const char *const family_names[] = {[ZF_FAMILY_METRIC] = "metric", [ZF_FAMILY_STUDY] = "study"};

const char *zf_family_name(int family)
{
    if (family < 0 || (size_t)family >= sizeof family_names / sizeof family_names[0])
        return "unknown";
    return family_names[family];
}

int zf_family_parse(const char *name)
{
    for (size_t i = 0; name && i < sizeof family_names / sizeof family_names[0]; i++)
        if (strcmp(family_names[i], name) == 0)
            return (int)i;
    return -1;
}

/* 1 when rows a and b are in the same study-wide family. */
static int same_family(const zf_stat_row *a, const zf_stat_row *b)
{
    return strcmp(a->procedure, b->procedure) == 0 &&
           (strstr(a->contrast, " | ") != NULL) == (strstr(b->contrast, " | ") != NULL);
}

int zf_stat_table_adjust_study(zf_stat_table *t, int method)
{
    double *p = NULL, *q = NULL;
    size_t *idx = NULL;
    unsigned char *done_row = NULL;
    int rc = ZF_OK;

    if (!t)
        return zf_error(ZF_EINVAL, "study-wide adjustment: NULL table");
    if ((rc = zf_p_adjust(NULL, 0, method, NULL)) != ZF_OK)
        return rc;
    if (t->n == 0 || method == ZF_ADJ_NONE)
        return ZF_OK;
    p = malloc(t->n * sizeof *p);
    q = malloc(t->n * sizeof *q);
    idx = malloc(t->n * sizeof *idx);
    done_row = calloc(t->n, 1);
    if (!p || !q || !idx || !done_row) {
        rc = zf_error(ZF_ENOMEM, "study-wide adjustment: out of memory for %zu rows", t->n);
        goto done;
    }
    for (size_t i = 0; i < t->n; i++) {
        size_t m = 0;
        if (done_row[i] || family_kind(t->rows[i].procedure) == FAM_NEVER)
            continue;
        for (size_t j = i; j < t->n; j++)
            if (!done_row[j] && same_family(&t->rows[i], &t->rows[j])) {
                done_row[j] = 1;
                idx[m] = j;
                p[m++] = t->rows[j].p;
            }
        if ((rc = adjust_family(t, idx, p, m, method, q)) != ZF_OK)
            goto done;
    }
done:
    free(p);
    free(q);
    free(idx);
    free(done_row);
    return rc;
}
