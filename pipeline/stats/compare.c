/* compare.c: one metric of a study design: two-group procedures for every level against the control, omnibus and post hoc tests for more levels, as rows of the tidy table. */
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

void zf_compare_opts_default(zf_compare_opts *o)
{
    if (!o)
        return;
    o->control = "control";
    o->nboot = 5000;
    o->seed = 20110901UL;
    o->adjust = ZF_ADJ_HOLM;
    o->nperm = 10000;
    o->mw_exact_ties = 0;
}

/* The two-group procedures, in row order for each level (the table of
 * descriptors the rows are generated from). */
enum { PROC_WELCH, PROC_STUDENT, PROC_MWU, PROC_PERM, PROC_MEAN_DIFF, PROC_MEDIAN_DIFF,
       PROC_COHENS_D, PROC_HEDGES, PROC_COUNT };
static const struct {
    const char *name;
    int adjusted; /* p adjusted across the level contrasts */
    int effect;   /* ZF_EFFECT_* for the effect sizes, else -1 */
} procedures[PROC_COUNT] = {
    [PROC_WELCH] = {"welch_t", 1, -1},
    [PROC_STUDENT] = {"student_t", 1, -1},
    [PROC_MWU] = {"mann_whitney", 1, -1},
    [PROC_PERM] = {"permutation", 1, -1},
    [PROC_MEAN_DIFF] = {"mean_diff", 0, ZF_EFFECT_MEAN_DIFF},
    [PROC_MEDIAN_DIFF] = {"median_diff", 0, ZF_EFFECT_MEDIAN_DIFF},
    [PROC_COHENS_D] = {"cohens_d", 0, ZF_EFFECT_COHENS_D},
    [PROC_HEDGES] = {"hedges_g", 0, ZF_EFFECT_HEDGES_G},
};

/* The omnibus tests for more than two levels. */
static const struct {
    const char *name;
    int (*run)(const double *const *groups, const size_t *n, size_t k, zf_test_result *r);
} omnibus[] = {
    {"anova", zf_test_anova},
    {"welch_anova", zf_test_welch_anova},
    {"kruskal_wallis", zf_test_kruskal},
};
#define OMNIBUS_COUNT (sizeof omnibus / sizeof omnibus[0])

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

/* "a - b" into buf, or ZF_EDATA when it does not fit. */
static int make_contrast(char *buf, size_t size, const char *metric, const char *a, const char *b)
{
    int w = snprintf(buf, size, "%s - %s", a, b);
    if (w < 0 || (size_t)w >= size)
        return zf_error(ZF_EDATA, "compare: metric '%s': contrast '%s - %s' longer than %zu characters",
                        metric, a, b, size - 1);
    return ZF_OK;
}

/* p_adjusted of rows[first + i * stride], i < count, with method. */
static int adjust_rows(zf_stat_row *rows, size_t first, size_t stride, size_t count, int method,
                       double *p, double *padj)
{
    int rc;
    for (size_t i = 0; i < count; i++)
        p[i] = rows[first + i * stride].p;
    if ((rc = zf_p_adjust(p, count, method, padj)) != ZF_OK)
        return rc;
    for (size_t i = 0; i < count; i++)
        rows[first + i * stride].p_adjusted = padj[i];
    return ZF_OK;
}

int zf_stats_compare(zf_stat_table *t, const char *metric, const char *const *group,
                     const double *value, size_t n, const zf_compare_opts *opts)
{
    const char **levels = NULL;
    double *vals = NULL, *p = NULL, *padj = NULL;
    size_t *off = NULL, *cnt = NULL, *present = NULL;
    const double **gptr = NULL;
    zf_test_result *res = NULL;
    zf_stat_row *rows = NULL;
    size_t nlev = 0, ctl = 0, nc, nrows, npair, r = 0, total_present = 0;
    char contrast[sizeof rows->contrast];
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

    /* Levels: the control first, then the others in order of first appearance. */
    levels = malloc((n + 1) * sizeof *levels);
    vals = malloc((n ? n : 1) * sizeof *vals);
    off = malloc((n + 1) * sizeof *off);
    cnt = calloc(n + 1, sizeof *cnt);
    present = calloc(n + 1, sizeof *present);
    gptr = malloc((n + 1) * sizeof *gptr);
    if (!levels || !vals || !off || !cnt || !present || !gptr) {
        rc = zf_error(ZF_ENOMEM, "compare: out of memory for %zu subjects", n);
        goto done;
    }
    levels[nlev++] = opts->control;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < nlev && strcmp(levels[k], group[i]) != 0)
            k++;
        if (k == nlev)
            levels[nlev++] = group[i];
        cnt[k]++;
    }
    if (cnt[0] == 0) {
        rc = control_missing(opts->control, levels + 1, nlev - 1);
        goto done;
    }
    for (size_t k = 0, o = 0; k < nlev; k++) {
        off[k] = o;
        o += cnt[k];
        cnt[k] = 0;
    }
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (strcmp(levels[k], group[i]) != 0)
            k++;
        vals[off[k] + cnt[k]++] = value[i];
    }
    for (size_t k = 0; k < nlev; k++) {
        gptr[k] = vals + off[k];
        present[k] = count_present(gptr[k], cnt[k]);
        total_present += present[k];
    }

    nc = nlev - 1;
    npair = nlev * (nlev - 1) / 2;
    if (nc == 0)
        goto done;
    nrows = nc * PROC_COUNT + (nlev > 2 ? OMNIBUS_COUNT + npair + nc + npair : 0);
    rows = calloc(nrows, sizeof *rows);
    res = malloc((npair > ZF_EFFECT_COUNT ? npair : ZF_EFFECT_COUNT) * sizeof *res);
    p = malloc((npair > nc ? npair : nc) * sizeof *p);
    padj = malloc((npair > nc ? npair : nc) * sizeof *padj);
    if (!rows || !res || !p || !padj) {
        rc = zf_error(ZF_ENOMEM, "compare: out of memory for %zu rows", nrows);
        goto done;
    }

    /* Two-group rows, level-major: level 1 (welch_t ... hedges_g), level 2, ... */
    for (size_t L = 1; L < nlev; L++) {
        const double *x = gptr[L], *y = gptr[ctl];
        size_t nx = cnt[L], ny = cnt[ctl];
        if ((rc = make_contrast(contrast, sizeof contrast, metric, levels[L], opts->control)) != ZF_OK)
            goto done;
        if ((rc = zf_effect_sizes(x, nx, y, ny, opts->nboot, opts->seed, res)) != ZF_OK)
            goto done;
        for (int proc = 0; proc < PROC_COUNT; proc++) {
            zf_test_result tr;
            if (procedures[proc].effect >= 0)
                tr = res[procedures[proc].effect];
            else if (proc == PROC_WELCH)
                rc = zf_test_welch(x, nx, y, ny, &tr);
            else if (proc == PROC_STUDENT)
                rc = zf_test_student(x, nx, y, ny, &tr);
            else if (proc == PROC_MWU)
                rc = zf_test_mann_whitney_ex(x, nx, y, ny, opts->mw_exact_ties, &tr);
            else
                rc = zf_test_permutation(x, nx, y, ny, opts->nperm, opts->seed, &tr);
            if (rc != ZF_OK)
                goto done;
            zf_row_fill(&rows[r++], metric, contrast, procedures[proc].name, present[L], present[ctl], &tr,
                     procedures[proc].adjusted ? zf_adjust_name(opts->adjust) : "none");
        }
    }
    /* Adjust each procedure's p across the level contrasts. */
    for (int proc = 0; proc < PROC_COUNT; proc++)
        if (procedures[proc].adjusted &&
            (rc = adjust_rows(rows, (size_t)proc, PROC_COUNT, nc, opts->adjust, p, padj)) != ZF_OK)
            goto done;

    if (nlev > 2) {
        size_t first;
        /* Omnibus: a family of one. */
        for (size_t o = 0; o < OMNIBUS_COUNT; o++) {
            if ((rc = omnibus[o].run(gptr, cnt, nlev, &res[0])) != ZF_OK)
                goto done;
            zf_row_fill(&rows[r], metric, "omnibus", omnibus[o].name, total_present, 0, &res[0], "none");
            rows[r++].p_adjusted = res[0].p;
        }
        /* Tukey HSD: every pair, adjusted by the studentized range. */
        if ((rc = zf_posthoc_tukey(gptr, cnt, nlev, res)) != ZF_OK)
            goto done;
        for (size_t i = 0, c = 0; i < nlev; i++)
            for (size_t j = i + 1; j < nlev; j++, c++) {
                if ((rc = make_contrast(contrast, sizeof contrast, metric, levels[j], levels[i])) != ZF_OK)
                    goto done;
                zf_row_fill(&rows[r], metric, contrast, "tukey_hsd", present[j], present[i], &res[c], "single-step");
                rows[r++].p_adjusted = res[c].p;
            }
        /* Dunnett: every level against the control, adjusted by the multivariate t. */
        if ((rc = zf_posthoc_dunnett(gptr, cnt, nlev, ctl, res)) != ZF_OK)
            goto done;
        for (size_t L = 1; L < nlev; L++) {
            if ((rc = make_contrast(contrast, sizeof contrast, metric, levels[L], opts->control)) != ZF_OK)
                goto done;
            zf_row_fill(&rows[r], metric, contrast, "dunnett", present[L], present[ctl], &res[L - 1], "single-step");
            rows[r++].p_adjusted = res[L - 1].p;
        }
        /* Dunn: every pair, opts->adjust across the pairs. */
        if ((rc = zf_posthoc_dunn(gptr, cnt, nlev, (size_t)-1, res)) != ZF_OK)
            goto done;
        first = r;
        for (size_t i = 0, c = 0; i < nlev; i++)
            for (size_t j = i + 1; j < nlev; j++, c++) {
                if ((rc = make_contrast(contrast, sizeof contrast, metric, levels[j], levels[i])) != ZF_OK)
                    goto done;
                zf_row_fill(&rows[r++], metric, contrast, "dunn", present[j], present[i], &res[c],
                         zf_adjust_name(opts->adjust));
            }
        if ((rc = adjust_rows(rows, first, 1, npair, opts->adjust, p, padj)) != ZF_OK)
            goto done;
    }

    rc = zf_rows_reserve(t, nrows);
    if (rc != ZF_OK)
        goto done;
    memcpy(t->rows + t->n, rows, nrows * sizeof *rows);
    t->n += nrows;

done:
    free(levels);
    free(vals);
    free(off);
    free(cnt);
    free(present);
    free(gptr);
    free(res);
    free(p);
    free(padj);
    free(rows);
    return rc;
}
