/* stats_internal.h: helpers shared by the statistics sources (sample cleaning, NaN results, notes); not installed. */
#ifndef ZFSTRESS_STATS_INTERNAL_H
#define ZFSTRESS_STATS_INTERNAL_H

#include "zfstress/stats.h"
#include "zfstress/table.h"

#include <gsl/gsl_rng.h>

#include <stddef.h>
#include <stdint.h>

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

/* The start of every two-sample test: res all NaN, s the NaN-free copies of x and y
 * (their notes in res->note). ZF_OK with *go = 1 when the test can run; *go = 0 when a
 * value is infinite or a group is empty (noted "empty group"): res stays NaN, s is held
 * and freed as usual. On an error nothing is held. */
int zf_sample_pair_start(zf_sample_pair *s, zf_test_result *res, const double *x, size_t nx,
                         const double *y, size_t ny, int *go);
/* The pooled sample x then y into z[nx + ny]. */
void zf_sample_pair_pool(const zf_sample_pair *s, double *z);

/* Every numeric field NaN, note empty. */
void zf_test_result_nan(zf_test_result *r);

/* Append "; text" (or "text" to an empty note); silently truncated to size. */
void zf_note_add(char *note, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* k samples with NaN values removed: group i is v[off[i] .. off[i] + n[i]). */
typedef struct zf_groups {
    double *v;
    size_t *off, *n;
    size_t k, total;
    size_t missing;   /* NaN values dropped */
    int infinite;     /* 1 when a +-Inf value is present (kept) */
} zf_groups;

/* Copy the non-NaN values of the k groups; groups[i] may be NULL only when n[i]
 * is 0. Appends the missing / infinite notes as zf_sample_pair_init. */
int zf_groups_init(zf_groups *g, const double *const *groups, const size_t *n, size_t k,
                   char *note, size_t note_size);
void zf_groups_free(zf_groups *g);

/* Mid-ranks (1-based) of v[0..n) into rank[]; *tie_sum = sum of t^3 - t over tie
 * groups of size t. order is scratch of n entries. */
void zf_midranks(const double *v, size_t n, size_t *order, double *rank, double *tie_sum);

/* The subsets of size m of the ranks {1..big} counted by rank sum: c[s] for
 * s = 0 .. m * big (zero below m(m+1)/2), calloc'd (the caller frees); NULL when
 * out of memory. Only additions of positive counts, so the doubles keep full
 * relative precision beyond 2^53 (the exact Mann-Whitney and Jonckheere-Terpstra
 * distributions). */
double *zf_rank_sum_counts(size_t m, size_t big);

/* Uniform indices for the bootstrap and the permutations. Each 32-bit output
 * of the generator (gsl_rng_taus2, L'Ecuyer 1996) gives two 16-bit halves,
 * low half first; an index in [0, n), n <= 65536, comes from one half by
 * Lemire's multiply-and-reject method (2019): exactly uniform, no division on
 * the usual path. Larger n use a whole 32-bit output the same way. The draw
 * order is part of the reproducibility contract (same seed, same result). */
typedef struct zf_drawer {
    unsigned long (*get)(void *state);
    void *state;
    uint32_t spare;   /* the unused high half of the last output */
    int has_spare;
} zf_drawer;

static inline void zf_drawer_init(zf_drawer *d, const gsl_rng *r)
{
    d->get = r->type->get;
    d->state = r->state;
    d->spare = 0;
    d->has_spare = 0;
}

static inline uint32_t zf_draw_half(zf_drawer *d)
{
    uint32_t w;
    if (d->has_spare) {
        d->has_spare = 0;
        return d->spare;
    }
    w = (uint32_t)d->get(d->state);
    d->spare = w >> 16;
    d->has_spare = 1;
    return w & 0xffffu;
}

static inline size_t zf_draw_index(zf_drawer *d, uint32_t n)
{
    if (n <= 65536u) {
        uint32_t m = zf_draw_half(d) * n, l = m & 0xffffu;
        if (l < n) {
            uint32_t t = (65536u - n) % n;
            while (l < t) {
                m = zf_draw_half(d) * n;
                l = m & 0xffffu;
            }
        }
        return (size_t)(m >> 16);
    } else {
        uint64_t m = (uint64_t)(uint32_t)d->get(d->state) * n;
        uint32_t l = (uint32_t)m;
        if (l < n) {
            uint32_t t = (uint32_t)(0u - n) % n;
            while (l < t) {
                m = (uint64_t)(uint32_t)d->get(d->state) * n;
                l = (uint32_t)m;
            }
        }
        return (size_t)(m >> 32);
    }
}

/* zf_effect_sizes that also hands back the valid bootstrap values of effect
 * keep (ZF_EFFECT_*; -1 for none) in *keep_boot (malloc'd, unsorted; NULL and
 * *keep_n = 0 when no resampling ran). The resamples are drawn whenever that
 * effect is defined, even when no BCa CI can be formed. Caller frees. */
int zf_effect_sizes_boot(const double *x, size_t nx, const double *y, size_t ny, size_t nboot,
                         unsigned long seed, int keep, zf_test_result out[ZF_EFFECT_COUNT],
                         double **keep_boot, size_t *keep_n);

/* Hedges' small-sample correction J(m) = G(m/2) / (sqrt(m/2) G((m-1)/2)); NaN when m < 2. */
double zf_hedges_j(double m);

/* ---- Statistics II helpers (rows.c) ---- */

/* Room in t for extra more rows (capacity doubled from 16); ZF_ENOMEM "results table: ..." otherwise. */
int zf_rows_reserve(zf_stat_table *t, size_t extra);
/* row's fields from r and the labels (each string truncated to its field), p_adjusted NaN;
 * fields without a source are left as they were. */
void zf_row_fill(zf_stat_row *row, const char *metric, const char *contrast, const char *procedure,
                 size_t n1, size_t n2, const zf_test_result *r, const char *adjust_method);

/* Append one row to t: p_adjusted = p when adjust_method is "none" or
 * "single-step" (a family of one, or adjusted by its own distribution), NaN
 * otherwise (filled by zf_rows_adjust). */
int zf_rows_add(zf_stat_table *t, const char *metric, const char *contrast, const char *procedure,
                size_t n1, size_t n2, const zf_test_result *r, const char *adjust_method);
/* p_adjusted of the rows [first, t->n) whose procedure is procedure, as one
 * family adjusted with method; their adjust_method becomes its name. */
int zf_rows_adjust(zf_stat_table *t, size_t first, const char *procedure, int method);
/* Move every row of src to the end of dst; src is emptied (freed). */
int zf_rows_move(zf_stat_table *dst, zf_stat_table *src);
/* snprintf into buf; ZF_EDATA naming the metric when the text does not fit. */
int zf_label(char *buf, size_t size, const char *metric, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Observations split by the levels of one factor. Levels: first (when given
 * and present) and then the others in order of first appearance; v holds the
 * values level by level (NaN kept): level i is v[off[i] .. off[i] + cnt[i]). */
typedef struct zf_split {
    const char **levels;  /* pointers into the caller's strings */
    size_t nlev;
    size_t *off, *cnt;
    double *v;
    int first_found;      /* 1 when first was given and present */
} zf_split;
int zf_split_init(zf_split *s, const char *const *group, const double *value, size_t n, const char *first);
void zf_split_free(zf_split *s);

/* "%.15g" of a number (doses and bin starts as level names). */
void zf_number_label(char *buf, size_t size, double v);

/* Shapiro-Wilk rows (one per level, contrast = level) and a Brown-Forsythe
 * row (contrast = term) for groups already split; appended to t. */
int zf_checks_rows(zf_stat_table *t, const char *metric, const char *const *labels,
                   const double *const *groups, const size_t *n, size_t k, const char *term);

/* ---- the columns of a tidy CSV (columns.c; tidy.c and design.c) ---- */

/* ZF_EPARSE "'path':1: no column 'name'<what>; columns: 'a', 'b', ..." (the list truncated with "..."). */
int zf_no_column(const zf_table *t, const char *name, const char *what);
/* The values of column col as numbers into v[nrow] (missing cells NaN); ZF_EPARSE at the first cell that is not a number. */
int zf_column_values(const zf_table *t, size_t col, double *v);
/* 1 when the first non-missing cell of column col is a number (the automatic choice of metric columns). */
int zf_looks_numeric(const zf_table *t, size_t col);

#endif
