/* tidy.c: group comparisons of every metric column of a tidy CSV (one row per animal), for 'zfstress stats --table'. */
#include "zfstress/stats.h"

#include "zfstress/core.h"
#include "zfstress/table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* "'a', 'b', 'c'" of the column names into buf (truncated with "..."). */
static void column_list(const zf_table *t, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < t->ncol && len + 1 < size; i++) {
        int w = snprintf(buf + len, size - len, "%s'%s'", i ? ", " : "", t->names[i]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    if (len + 1 >= size && size > 4)
        memcpy(buf + size - 4, "...", 4);
}

static int no_column(const zf_table *t, const char *name, const char *what)
{
    char list[512];
    column_list(t, list, sizeof list);
    return zf_error(ZF_EPARSE, "'%s':1: no column '%s'%s; columns: %s", t->path, name, what, list);
}

/* The values of column col as numbers (missing cells NaN). */
static int column_values(const zf_table *t, size_t col, double *v)
{
    for (size_t r = 0; r < t->nrow; r++) {
        const char *cell = zf_table_cell(t, r, col);
        if (zf_parse_number(cell, &v[r]) == ZF_NUM_BAD)
            return zf_error(ZF_EPARSE, "'%s':%zu: column %zu '%s': expected a number, got \"%s\"", t->path,
                            t->line[r], col + 1, t->names[col], ZF_EXCERPT(cell));
    }
    return ZF_OK;
}

/* Automatic choice: a column whose first non-missing cell is a number. */
static int looks_numeric(const zf_table *t, size_t col)
{
    for (size_t r = 0; r < t->nrow; r++) {
        double v;
        int k = zf_parse_number(zf_table_cell(t, r, col), &v);
        if (k == ZF_NUM_MISSING)
            continue;
        return k == ZF_NUM_OK;
    }
    return 0;
}

int zf_stats_compare_csv(zf_stat_table *t, const char *path, const char *factor,
                         const char *const *metrics, size_t nmetrics, const zf_compare_opts *opts)
{
    zf_table *tab = NULL;
    const char **group = NULL;
    double *v = NULL;
    size_t *cols = NULL, ncols = 0;
    zf_stat_table out;
    int fcol, rc;

    zf_stat_table_init(&out);
    if (!t || !path || !factor || !opts || (!metrics && nmetrics))
        return zf_error(ZF_EINVAL, "compare table: NULL argument");
    if ((rc = zf_table_read(path, &tab)) != ZF_OK)
        return rc;
    if ((fcol = zf_table_col(tab, factor)) < 0) {
        rc = no_column(tab, factor, " (the factor)");
        goto done;
    }
    group = malloc((tab->nrow + 1) * sizeof *group);
    v = malloc((tab->nrow + 1) * sizeof *v);
    cols = malloc((tab->ncol + nmetrics + 1) * sizeof *cols);
    if (!group || !v || !cols) {
        rc = zf_error(ZF_ENOMEM, "'%s': out of memory for %zu rows", path, tab->nrow);
        goto done;
    }
    for (size_t r = 0; r < tab->nrow; r++) {
        group[r] = zf_table_cell(tab, r, (size_t)fcol);
        if (!group[r][0]) {
            rc = zf_error(ZF_EPARSE, "'%s':%zu: column %d '%s': expected a level, got \"\"", path,
                          tab->line[r], fcol + 1, factor);
            goto done;
        }
    }
    if (metrics) {
        for (size_t i = 0; i < nmetrics; i++) {
            int c = zf_table_col(tab, metrics[i]);
            if (c < 0) {
                rc = no_column(tab, metrics[i], "");
                goto done;
            }
            if (c == fcol) {
                rc = zf_error(ZF_EINVAL, "'%s': column '%s' is the factor, not a metric", path, metrics[i]);
                goto done;
            }
            cols[ncols++] = (size_t)c;
        }
    } else {
        for (size_t c = 0; c < tab->ncol; c++) {
            if ((int)c == fcol || strcasecmp(tab->names[c], "subject") == 0 || strcasecmp(tab->names[c], "id") == 0)
                continue;
            if (looks_numeric(tab, c))
                cols[ncols++] = c;
            else
                zf_log(ZF_LOG_INFO, "stats: '%s': column '%s' is not numeric; skipped", path, tab->names[c]);
        }
        if (ncols == 0) {
            rc = zf_error(ZF_EDATA, "'%s': no numeric metric column besides '%s'", path, factor);
            goto done;
        }
    }
    /* Check every cell of every chosen column before any computation. */
    for (size_t i = 0; i < ncols; i++)
        if ((rc = column_values(tab, cols[i], v)) != ZF_OK)
            goto done;
    for (size_t i = 0; i < ncols; i++) {
        if ((rc = column_values(tab, cols[i], v)) != ZF_OK ||
            (rc = zf_stats_compare(&out, tab->names[cols[i]], group, v, tab->nrow, opts)) != ZF_OK) {
            char why[1024];
            snprintf(why, sizeof why, "%s", zf_errmsg());
            rc = zf_error(rc, "'%s': column '%s': %s", path, tab->names[cols[i]], why);
            goto done;
        }
        zf_log(ZF_LOG_INFO, "stats: %s: %zu rows", tab->names[cols[i]], out.n);
    }
    /* Append only when every metric succeeded. */
    if (out.n) {
        zf_stat_row *rows = realloc(t->rows, (t->n + out.n) * sizeof *rows);
        if (!rows) {
            rc = zf_error(ZF_ENOMEM, "results table: out of memory for %zu rows", t->n + out.n);
            goto done;
        }
        memcpy(rows + t->n, out.rows, out.n * sizeof *rows);
        t->rows = rows;
        t->n += out.n;
        t->cap = t->n;
    }
done:
    zf_stat_table_free(&out);
    zf_table_free(tab);
    free(group);
    free(v);
    free(cols);
    return rc;
}
