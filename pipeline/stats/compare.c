/* compare.c: every level against the control on one metric: Welch t, Mann-Whitney U and Hedges' g rows of the tidy table. */
#include "zfstress/stats.h"

#include "stats/stats_internal.h"
#include "zfstress/core.h"

#include <gsl/gsl_math.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void zf_stat_table_init(zf_stat_table *t)
{
    if (t)
        memset(t, 0, sizeof *t);
}

void zf_stat_table_free(zf_stat_table *t)
{
    if (!t)
        return;
    free(t->rows);
    t->rows = NULL;
    t->n = t->cap = 0;
}

/* Room for extra more rows. */
static int table_reserve(zf_stat_table *t, size_t extra)
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

void zf_compare_opts_default(zf_compare_opts *o)
{
    if (!o)
        return;
    o->control = "control";
    o->nboot = 5000;
    o->seed = 20110901UL;
    o->adjust = ZF_ADJ_HOLM;
}

/* The procedures of a comparison, in row order for each level. */
enum { PROC_WELCH, PROC_MWU, PROC_HEDGES, PROC_COUNT };
static const struct {
    const char *name;
    int adjusted; /* p adjusted across the level contrasts */
} procedures[PROC_COUNT] = {
    [PROC_WELCH] = {"welch_t", 1},
    [PROC_MWU] = {"mann_whitney", 1},
    [PROC_HEDGES] = {"hedges_g", 0},
};

static int run_procedure(int proc, const double *x, size_t nx, const double *y, size_t ny,
                         const zf_compare_opts *o, zf_test_result *r)
{
    switch (proc) {
    case PROC_WELCH: return zf_test_welch(x, nx, y, ny, r);
    case PROC_MWU: return zf_test_mann_whitney(x, nx, y, ny, r);
    case PROC_HEDGES: return zf_effect_hedges_g(x, nx, y, ny, o->nboot, o->seed, r);
    default: return zf_error(ZF_EINVAL, "unknown procedure %d", proc);
    }
}

/* "ctl; levels found: a, b, c" into the error message (truncated politely). */
static int control_missing(const char *control, const char *const *levels, size_t nlev)
{
    char list[512] = "";
    size_t len = 0;
    for (size_t i = 0; i < nlev && len + 1 < sizeof list; i++) {
        int w = snprintf(list + len, sizeof list - len, "%s'%s'", i ? ", " : "", levels[i]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    if (len + 1 >= sizeof list)
        memcpy(list + sizeof list - 4, "...", 4);
    return zf_error(ZF_EDATA, "control level '%s' not found; levels found: %s", control,
                    nlev ? list : "(none)");
}

static size_t count_present(const double *v, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            k++;
    return k;
}

int zf_stats_compare(zf_stat_table *t, const char *metric, const char *const *group,
                     const double *value, size_t n, const zf_compare_opts *opts)
{
    const char **levels = NULL;
    double *tv = NULL, *cv = NULL, *p = NULL, *padj = NULL;
    zf_stat_row *rows = NULL;
    size_t nlev = 0, ctl = 0, nc, ncv = 0, nrows;
    int rc = ZF_OK;

    if (!t || !metric || !opts || !opts->control || ((!group || !value) && n))
        return zf_error(ZF_EINVAL, "compare: NULL argument");
    if (strlen(metric) >= sizeof rows->metric)
        return zf_error(ZF_EINVAL, "compare: metric name '%s' longer than %zu characters",
                        metric, sizeof rows->metric - 1);
    rc = zf_p_adjust(NULL, 0, opts->adjust, NULL); /* validates the method */
    if (rc != ZF_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (!group[i])
            return zf_error(ZF_EINVAL, "compare: metric '%s': subject %zu has no group", metric, i);

    /* Levels in order of first appearance. */
    levels = malloc((n ? n : 1) * sizeof *levels);
    tv = malloc((n ? n : 1) * sizeof *tv);
    cv = malloc((n ? n : 1) * sizeof *cv);
    if (!levels || !tv || !cv) {
        rc = zf_error(ZF_ENOMEM, "compare: out of memory for %zu subjects", n);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < nlev && strcmp(levels[k], group[i]) != 0)
            k++;
        if (k == nlev)
            levels[nlev++] = group[i];
    }
    while (ctl < nlev && strcmp(levels[ctl], opts->control) != 0)
        ctl++;
    if (ctl == nlev) {
        rc = control_missing(opts->control, levels, nlev);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if (strcmp(group[i], opts->control) == 0)
            cv[ncv++] = value[i];

    nc = nlev - 1;
    nrows = nc * PROC_COUNT;
    if (nc == 0)
        goto done;
    rows = calloc(nrows, sizeof *rows);
    p = malloc(nc * sizeof *p);
    padj = malloc(nc * sizeof *padj);
    if (!rows || !p || !padj) {
        rc = zf_error(ZF_ENOMEM, "compare: out of memory for %zu rows", nrows);
        goto done;
    }

    /* Rows level-major: level 1 (welch_t, mann_whitney, hedges_g), level 2, ... */
    for (size_t L = 0, c = 0; L < nlev; L++) {
        size_t ntv = 0;
        char contrast[sizeof rows->contrast];
        int w;
        if (L == ctl)
            continue;
        w = snprintf(contrast, sizeof contrast, "%s - %s", levels[L], opts->control);
        if (w < 0 || (size_t)w >= sizeof contrast) {
            rc = zf_error(ZF_EDATA, "compare: metric '%s': contrast '%s - %s' longer than %zu characters",
                          metric, levels[L], opts->control, sizeof contrast - 1);
            goto done;
        }
        for (size_t i = 0; i < n; i++)
            if (strcmp(group[i], levels[L]) == 0)
                tv[ntv++] = value[i];
        for (int proc = 0; proc < PROC_COUNT; proc++) {
            zf_stat_row *row = &rows[c * PROC_COUNT + (size_t)proc];
            zf_test_result r;
            rc = run_procedure(proc, tv, ntv, cv, ncv, opts, &r);
            if (rc != ZF_OK)
                goto done;
            memcpy(row->metric, metric, strlen(metric) + 1);
            memcpy(row->contrast, contrast, (size_t)w + 1);
            snprintf(row->procedure, sizeof row->procedure, "%s", procedures[proc].name);
            row->n1 = count_present(tv, ntv);
            row->n2 = count_present(cv, ncv);
            row->estimate = r.estimate;
            row->ci_low = r.ci_low;
            row->ci_high = r.ci_high;
            row->statistic = r.statistic;
            row->df = r.df;
            row->df2 = r.df2;
            row->p = r.p;
            row->p_adjusted = GSL_NAN;
            snprintf(row->adjust_method, sizeof row->adjust_method, "%s",
                     procedures[proc].adjusted ? zf_adjust_name(opts->adjust) : "none");
            snprintf(row->note, sizeof row->note, "%s", r.note);
        }
        c++;
    }

    /* Adjust each procedure's p across the level contrasts. */
    for (int proc = 0; proc < PROC_COUNT; proc++) {
        if (!procedures[proc].adjusted)
            continue;
        for (size_t c = 0; c < nc; c++)
            p[c] = rows[c * PROC_COUNT + (size_t)proc].p;
        rc = zf_p_adjust(p, nc, opts->adjust, padj);
        if (rc != ZF_OK)
            goto done;
        for (size_t c = 0; c < nc; c++)
            rows[c * PROC_COUNT + (size_t)proc].p_adjusted = padj[c];
    }

    rc = table_reserve(t, nrows);
    if (rc != ZF_OK)
        goto done;
    memcpy(t->rows + t->n, rows, nrows * sizeof *rows);
    t->n += nrows;

done:
    free(levels);
    free(tv);
    free(cv);
    free(p);
    free(padj);
    free(rows);
    return rc;
}
