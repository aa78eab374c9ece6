/* columns.c: the columns of a tidy CSV as the statistics front ends read them (tidy.c, design.c): lookup failures that list the columns, numeric values. */
#include "stats/stats_internal.h"

#include "zfstress/core.h"
#include "zfstress/table.h"

#include <stdio.h>
#include <string.h>

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

int zf_no_column(const zf_table *t, const char *name, const char *what)
{
    char list[512];
    column_list(t, list, sizeof list);
    return zf_error(ZF_EPARSE, "'%s':1: no column '%s'%s; columns: %s", t->path, name, what, list);
}

/* The values of column col as numbers (missing cells NaN). */
int zf_column_values(const zf_table *t, size_t col, double *v)
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
int zf_looks_numeric(const zf_table *t, size_t col)
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
