/* tidy.c: group comparisons of every metric column of a tidy CSV (one row per animal), for 'zfstress stats --table'. */
#include "zfstress/stats.h"

#include "stats/stats_internal.h"
#include "zfstress/core.h"
#include "zfstress/table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
        rc = zf_no_column(tab, factor, " (the factor)");
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
                rc = zf_no_column(tab, metrics[i], "");
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
            if (zf_looks_numeric(tab, c))
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
        if ((rc = zf_column_values(tab, cols[i], v)) != ZF_OK)
            goto done;
    for (size_t i = 0; i < ncols; i++) {
        if ((rc = zf_column_values(tab, cols[i], v)) != ZF_OK ||
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
