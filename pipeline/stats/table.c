/* table.c: the tidy results table written as CSV (stats.csv), atomically. */
#include "zfstress/stats.h"

#include "zfstress/core.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Text field: quoted (with "" for ") only when it holds a comma, quote or line break. */
static int put_text(FILE *fp, const char *s)
{
    if (!strpbrk(s, ",\"\r\n"))
        return fputs(s, fp) < 0 ? -1 : 0;
    if (fputc('"', fp) == EOF)
        return -1;
    for (; *s; s++) {
        if (*s == '"' && fputc('"', fp) == EOF)
            return -1;
        if (fputc(*s, fp) == EOF)
            return -1;
    }
    return fputc('"', fp) == EOF ? -1 : 0;
}

/* Number with 17 significant digits (round-trips); NaN empty; R's Inf spelling. */
static int put_num(FILE *fp, double v)
{
    if (isnan(v))
        return 0;
    if (isinf(v))
        return fputs(v > 0 ? "Inf" : "-Inf", fp) < 0 ? -1 : 0;
    return fprintf(fp, "%.17g", v) < 0 ? -1 : 0;
}

static int put_row(FILE *fp, const zf_stat_row *r)
{
    const double num[] = {r->estimate, r->ci_low, r->ci_high, r->statistic,
                          r->df, r->df2, r->p, r->p_adjusted};
    if (put_text(fp, r->metric) || fputc(',', fp) == EOF ||
        put_text(fp, r->contrast) || fputc(',', fp) == EOF ||
        put_text(fp, r->procedure) ||
        fprintf(fp, ",%zu,%zu", r->n1, r->n2) < 0)
        return -1;
    for (size_t i = 0; i < sizeof num / sizeof num[0]; i++)
        if (fputc(',', fp) == EOF || put_num(fp, num[i]))
            return -1;
    if (fputc(',', fp) == EOF || put_text(fp, r->adjust_method) || fputc(',', fp) == EOF ||
        put_text(fp, r->note) || fputc('\n', fp) == EOF)
        return -1;
    return 0;
}

int zf_stat_table_write_csv(const zf_stat_table *t, const char *path)
{
    zf_outfile out;
    int rc;

    if (!t || !path || !*path || (t->n && !t->rows))
        return zf_error(ZF_EINVAL, "stats table: NULL table or empty path");
    rc = zf_file_open_atomic(path, &out);
    if (rc != ZF_OK)
        return rc;
    if (fputs("metric,contrast,procedure,n1,n2,estimate,ci_low,ci_high,statistic,df,df2,"
              "p,p_adjusted,adjust_method,note\n", out.fp) < 0)
        goto fail;
    for (size_t i = 0; i < t->n; i++)
        if (put_row(out.fp, &t->rows[i]))
            goto fail;
    return zf_file_commit(&out);
fail:
    rc = zf_error(ZF_EIO, "'%s': write failed", path);
    zf_file_abort(&out);
    return rc;
}
