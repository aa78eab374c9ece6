/* stats_internal.h: helpers shared by the statistics sources (sample cleaning, NaN results, notes); not installed. */
#ifndef ZFSTRESS_STATS_INTERNAL_H
#define ZFSTRESS_STATS_INTERNAL_H

#include "zfstress/stats.h"

#include <stddef.h>

/* A two-sample input with NaN values removed. x and y are malloc'd copies
 * (never NULL after a successful zf_sample_pair, even when empty). */
typedef struct zf_sample_pair {
    double *x, *y;
    size_t nx, ny;
    size_t missing;   /* NaN values dropped from both samples */
    int infinite;     /* 1 when a +-Inf value is present (kept) */
} zf_sample_pair;

/* Copy the non-NaN values of x and y; x (y) may be NULL only when nx (ny) is 0.
 * Appends "k missing value(s) dropped" and "infinite value in data" to note. */
int zf_sample_pair_init(zf_sample_pair *s, const double *x, size_t nx,
                        const double *y, size_t ny, char *note, size_t note_size);
void zf_sample_pair_free(zf_sample_pair *s);

/* Every numeric field NaN, note empty. */
void zf_test_result_nan(zf_test_result *r);

/* Append "; text" (or "text" to an empty note); silently truncated to size. */
void zf_note_add(char *note, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Hedges' small-sample correction J(m) = G(m/2) / (sqrt(m/2) G((m-1)/2)); NaN when m < 2. */
double zf_hedges_j(double m);

#endif
