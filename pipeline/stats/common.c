/* common.c: helpers shared by the statistics sources: NaN-free sample copies, NaN results, notes. */
#include "stats/stats_internal.h"

#include "zfstress/core.h"

#include <gsl/gsl_math.h>
#include <gsl/gsl_sf_gamma.h>

#include <math.h>
#include <stdarg.h>
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
