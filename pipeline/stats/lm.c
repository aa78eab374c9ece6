/* lm.c: between-subjects factorial designs on linear models (GSL least squares): type II and III ANOVA, simple effects, estimated marginal means, pairwise comparisons of cells, checks per cell. */
#include "zfstress/stats.h"

#include "stats/stats_internal.h"
#include "zfstress/core.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_permutation.h>
#include <gsl/gsl_vector.h>

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TERMS ((1u << ZF_MAX_FACTORS) - 1u)
#define MAX_CELLS 4096        /* product of the numbers of levels */
#define RANK_TOL 1e-7         /* |R_ii| below this times |R_00|: a dependent column (as R's lm) */

/* A factorial design with its cells and the contr.sum model matrix. */
typedef struct design {
    size_t nf, n;             /* factors, observations kept */
    double *y;                /* [n] */
    double *yc;               /* [n] y minus its mean (every model has the intercept) */
    double ybar;
    size_t *lev;              /* [n * nf] level of each observation */
    size_t nlev[ZF_MAX_FACTORS];
    const char **lname[ZF_MAX_FACTORS]; /* level names (the caller's strings) */
    size_t ncell, stride[ZF_MAX_FACTORS];
    size_t *cell;             /* [n] */
    size_t *ncnt;             /* [ncell] */
    double *cmean;            /* [ncell], NaN when empty */
    size_t nonempty;
    double ssw, dfres, mse;
    int spread;               /* 0 when the within-cell spread is at rounding level of the cell means */
    size_t nterm;
    unsigned mask[MAX_TERMS]; /* terms in R's order */
    size_t tfirst[MAX_TERMS], tncol[MAX_TERMS];
    size_t ncol;              /* model matrix columns, intercept first */
    gsl_matrix *X;
} design;

static void design_free(design *d)
{
    free(d->y);
    free(d->yc);
    free(d->lev);
    for (size_t f = 0; f < ZF_MAX_FACTORS; f++)
        free(d->lname[f]);
    free(d->cell);
    free(d->ncnt);
    free(d->cmean);
    if (d->X)
        gsl_matrix_free(d->X);
    memset(d, 0, sizeof *d);
}

/* contr.sum: level l in column j (j < L - 1) is 1 when l == j, -1 for the last level, else 0. */
static double contr_sum(size_t l, size_t j, size_t nl)
{
    return l == j ? 1.0 : (l == nl - 1 ? -1.0 : 0.0);
}

/* Terms in R's order: by size, then lexicographically by factor index. */
static void make_terms(design *d)
{
    d->nterm = 0;
    for (size_t size = 1; size <= d->nf; size++) {
        size_t idx[ZF_MAX_FACTORS];
        for (size_t i = 0; i < size; i++)
            idx[i] = i;
        for (;;) {
            unsigned m = 0;
            size_t i;
            for (i = 0; i < size; i++)
                m |= 1u << idx[i];
            d->mask[d->nterm++] = m;
            /* next combination */
            for (i = size; i-- > 0;)
                if (idx[i] < d->nf - size + i)
                    break;
            if (i == (size_t)-1)
                break;
            idx[i]++;
            for (size_t j = i + 1; j < size; j++)
                idx[j] = idx[j - 1] + 1;
        }
    }
}

/* "A:B" of a mask into buf. */
static int term_name(const design *d, const char *const *factor, unsigned mask, const char *metric, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t f = 0; f < d->nf; f++)
        if (mask & (1u << f)) {
            int w = snprintf(buf + len, size - len, "%s%s", len ? ":" : "", factor[f]);
            if (w < 0 || (size_t)w >= size - len)
                return zf_error(ZF_EDATA, "metric '%s': term name longer than %zu characters", metric, size - 1);
            len += (size_t)w;
        }
    return ZF_OK;
}

/* Label of the level combination combo[] (levels of the factors in mask):
 * full cells "a1:b2", proper margins "A=a1:C=c2". */
static int combo_label(const design *d, const char *const *factor, unsigned mask, const size_t *combo,
                       const char *metric, char *buf, size_t size)
{
    size_t len = 0;
    int full = mask == (1u << d->nf) - 1u;
    buf[0] = '\0';
    for (size_t f = 0; f < d->nf; f++)
        if (mask & (1u << f)) {
            int w = full ? snprintf(buf + len, size - len, "%s%s", len ? ":" : "", d->lname[f][combo[f]])
                         : snprintf(buf + len, size - len, "%s%s=%s", len ? ":" : "", factor[f], d->lname[f][combo[f]]);
            if (w < 0 || (size_t)w >= size - len)
                return zf_error(ZF_EDATA, "metric '%s': level label longer than %zu characters", metric, size - 1);
            len += (size_t)w;
        }
    return ZF_OK;
}

/* Advance combo[] over the factors in mask, first factor fastest; 0 when done. */
static int combo_next(const design *d, unsigned mask, size_t *combo)
{
    for (size_t f = 0; f < d->nf; f++) {
        if (!(mask & (1u << f)))
            continue;
        if (++combo[f] < d->nlev[f])
            return 1;
        combo[f] = 0;
    }
    return 0;
}

static int design_init(design *d, const char *const *levels, const double *value, size_t n, size_t nf,
                       const char *metric, char *note, size_t note_size)
{
    size_t missing = 0, k = 0;
    int rc = ZF_OK;

    memset(d, 0, sizeof *d);
    d->nf = nf;
    d->y = malloc((n + 1) * sizeof *d->y);
    d->yc = malloc((n + 1) * sizeof *d->yc);
    d->lev = malloc((n * nf + 1) * sizeof *d->lev);
    d->cell = malloc((n + 1) * sizeof *d->cell);
    for (size_t f = 0; f < nf; f++)
        if (!(d->lname[f] = malloc((n + 1) * sizeof *d->lname[f])))
            rc = ZF_ENOMEM;
    if (rc || !d->y || !d->yc || !d->lev || !d->cell) {
        rc = zf_error(ZF_ENOMEM, "factorial: out of memory for %zu observations", n);
        goto done;
    }
    /* observations with a value; levels in order of first appearance among them */
    for (size_t i = 0; i < n; i++) {
        if (isnan(value[i])) {
            missing++;
            continue;
        }
        for (size_t f = 0; f < nf; f++) {
            const char *s = levels[i * nf + f];
            size_t l = 0;
            while (l < d->nlev[f] && strcmp(d->lname[f][l], s) != 0)
                l++;
            if (l == d->nlev[f])
                d->lname[f][d->nlev[f]++] = s;
            d->lev[k * nf + f] = l;
        }
        d->y[k++] = value[i];
    }
    d->n = k;
    if (missing)
        zf_note_add(note, note_size, "%zu missing value%s dropped", missing, missing == 1 ? "" : "s");
    d->ncell = 1;
    for (size_t f = 0; f < nf; f++) {
        d->stride[f] = d->ncell;
        if (d->nlev[f] > MAX_CELLS / d->ncell) {
            rc = zf_error(ZF_EDATA, "metric '%s': more than %d cells in the factorial design", metric, MAX_CELLS);
            goto done;
        }
        d->ncell *= d->nlev[f] ? d->nlev[f] : 1;
    }
    d->ncnt = calloc(d->ncell, sizeof *d->ncnt);
    d->cmean = calloc(d->ncell, sizeof *d->cmean);
    if (!d->ncnt || !d->cmean) {
        rc = zf_error(ZF_ENOMEM, "factorial: out of memory for %zu cells", d->ncell);
        goto done;
    }
    for (size_t i = 0; i < d->n; i++) {
        size_t c = 0;
        for (size_t f = 0; f < nf; f++)
            c += d->lev[i * nf + f] * d->stride[f];
        d->cell[i] = c;
        d->ncnt[c]++;
        d->cmean[c] += d->y[i];
        d->ybar += d->y[i];
    }
    d->ybar = d->n ? d->ybar / (double)d->n : GSL_NAN;
    for (size_t c = 0; c < d->ncell; c++) {
        if (d->ncnt[c]) {
            d->cmean[c] /= (double)d->ncnt[c];
            d->nonempty++;
        } else {
            d->cmean[c] = GSL_NAN;
        }
    }
    for (size_t i = 0; i < d->n; i++) {
        double e = d->y[i] - d->cmean[d->cell[i]];
        d->ssw += e * e;
        d->yc[i] = d->y[i] - d->ybar;
    }
    {
        double big = 0.0;
        for (size_t c = 0; c < d->ncell; c++)
            if (d->ncnt[c])
                big = fmax(big, fabs(d->cmean[c]));
        d->spread = d->n > 0 && sqrt(d->ssw / (double)d->n) > 10.0 * DBL_EPSILON * big;
    }
    d->dfres = (double)d->n - (double)d->nonempty;
    d->mse = d->dfres > 0 ? d->ssw / d->dfres : GSL_NAN;

    /* the contr.sum model matrix: intercept, then each term's columns */
    make_terms(d);
    d->ncol = 1;
    for (size_t t = 0; t < d->nterm; t++) {
        size_t nc = 1;
        for (size_t f = 0; f < nf; f++)
            if (d->mask[t] & (1u << f))
                nc *= d->nlev[f] - 1;
        d->tfirst[t] = d->ncol;
        d->tncol[t] = nc;
        d->ncol += nc;
    }
    if (d->n == 0)
        goto done;
    if (!(d->X = gsl_matrix_alloc(d->n, d->ncol))) {
        rc = zf_error(ZF_ENOMEM, "factorial: out of memory for the model matrix (%zu x %zu)", d->n, d->ncol);
        goto done;
    }
    for (size_t i = 0; i < d->n; i++) {
        gsl_matrix_set(d->X, i, 0, 1.0);
        for (size_t t = 0; t < d->nterm; t++) {
            size_t j[ZF_MAX_FACTORS] = {0};
            for (size_t c = 0; c < d->tncol[t]; c++) {
                double v = 1.0;
                for (size_t f = 0; f < nf; f++)
                    if (d->mask[t] & (1u << f))
                        v *= contr_sum(d->lev[i * nf + f], j[f], d->nlev[f]);
                gsl_matrix_set(d->X, i, d->tfirst[t] + c, v);
                for (size_t f = 0; f < nf; f++) { /* next column, first factor fastest */
                    if (!(d->mask[t] & (1u << f)))
                        continue;
                    if (++j[f] < d->nlev[f] - 1)
                        break;
                    j[f] = 0;
                }
            }
        }
    }
done:
    if (rc != ZF_OK)
        design_free(d);
    return rc;
}

/* Fitted values (centred response) of the model with the intercept and the
 * terms with use[t] != 0, by Householder QR with column pivoting; *rank its
 * rank (dependent columns, e.g. from empty cells, dropped as R's lm does). */
static int ls_fitted(const design *d, const int *use, double *fit, size_t *rank)
{
    gsl_matrix *A = NULL;
    gsl_vector *tau = NULL, *norm = NULL, *v = NULL;
    gsl_permutation *perm = NULL;
    size_t nc = 1, col = 1, r = 0, mn;
    int signum, rc = ZF_OK;

    for (size_t t = 0; t < d->nterm; t++)
        if (use[t])
            nc += d->tncol[t];
    mn = d->n < nc ? d->n : nc;
    A = gsl_matrix_alloc(d->n, nc);
    tau = gsl_vector_alloc(mn);
    norm = gsl_vector_alloc(nc);
    v = gsl_vector_alloc(d->n);
    perm = gsl_permutation_alloc(nc);
    if (!A || !tau || !norm || !v || !perm) {
        rc = zf_error(ZF_ENOMEM, "factorial: out of memory for a %zu x %zu fit", d->n, nc);
        goto done;
    }
    for (size_t i = 0; i < d->n; i++)
        gsl_matrix_set(A, i, 0, 1.0);
    for (size_t t = 0; t < d->nterm; t++)
        if (use[t])
            for (size_t c = 0; c < d->tncol[t]; c++, col++)
                for (size_t i = 0; i < d->n; i++)
                    gsl_matrix_set(A, i, col, gsl_matrix_get(d->X, i, d->tfirst[t] + c));
    if (gsl_linalg_QRPT_decomp(A, tau, perm, &signum, norm) != GSL_SUCCESS) {
        rc = zf_error(ZF_ENUMERIC, "factorial: QR decomposition failed");
        goto done;
    }
    {
        double r00 = fabs(gsl_matrix_get(A, 0, 0));
        while (r < mn && fabs(gsl_matrix_get(A, r, r)) > RANK_TOL * r00)
            r++;
    }
    for (size_t i = 0; i < d->n; i++)
        gsl_vector_set(v, i, d->yc[i]);
    if (gsl_linalg_QR_QTvec(A, tau, v) != GSL_SUCCESS) {
        rc = zf_error(ZF_ENUMERIC, "factorial: QR solve failed");
        goto done;
    }
    for (size_t i = r; i < d->n; i++)
        gsl_vector_set(v, i, 0.0);
    if (gsl_linalg_QR_Qvec(A, tau, v) != GSL_SUCCESS) {
        rc = zf_error(ZF_ENUMERIC, "factorial: QR solve failed");
        goto done;
    }
    for (size_t i = 0; i < d->n; i++)
        fit[i] = gsl_vector_get(v, i);
    *rank = r;
done:
    if (A)
        gsl_matrix_free(A);
    if (tau)
        gsl_vector_free(tau);
    if (norm)
        gsl_vector_free(norm);
    if (v)
        gsl_vector_free(v);
    if (perm)
        gsl_permutation_free(perm);
    return rc;
}

/* F test of a term from its sum of squares and df against the residual. */
static void f_test(const design *d, double ss, double df, zf_test_result *r)
{
    if (!(df > 0)) {
        zf_note_add(r->note, sizeof r->note, "term has no degrees of freedom");
        return;
    }
    if (!(d->dfres > 0)) {
        zf_note_add(r->note, sizeof r->note, "no residual degrees of freedom");
        return;
    }
    r->df = df;
    r->df2 = d->dfres;
    if (!d->spread) {
        zf_note_add(r->note, sizeof r->note, "data are essentially constant within cells");
        return;
    }
    r->estimate = r->statistic = (ss / df) / d->mse;
    r->p = gsl_cdf_fdist_Q(r->statistic, df, d->dfres);
}

/* Names of the empty cells, "a2:b3 a1:b2", into buf. */
static void empty_cells(const design *d, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t c = 0; d->n > 0 && c < d->ncell && len + 1 < size; c++) {
        if (d->ncnt[c])
            continue;
        for (size_t f = 0; f < d->nf && len + 1 < size; f++) {
            int w = snprintf(buf + len, size - len, "%s%s", f ? ":" : (len ? " " : ""),
                             d->lname[f][(c / d->stride[f]) % d->nlev[f]]);
            if (w < 0)
                return;
            len += (size_t)w;
        }
    }
    if (len + 1 >= size && size > 4)
        memcpy(buf + size - 4, "...", 4);
}

/* The ANOVA rows of one type (2 or 3). */
static int anova_rows(zf_stat_table *out, const design *d, const char *const *factor, const char *metric,
                      int type, const char *base_note)
{
    double *f0 = NULL, *f1 = NULL;
    int use[MAX_TERMS];
    char name[sizeof out->rows->contrast], empties[96];
    int rc = ZF_OK;

    f0 = malloc((d->n + 1) * sizeof *f0);
    f1 = malloc((d->n + 1) * sizeof *f1);
    if (!f0 || !f1) {
        rc = zf_error(ZF_ENOMEM, "factorial: out of memory");
        goto done;
    }
    empty_cells(d, empties, sizeof empties);
    for (size_t t = 0; t < d->nterm; t++) {
        zf_test_result r;
        size_t r0 = 0, r1 = 0;
        double ss = 0.0;
        zf_test_result_nan(&r);
        zf_note_add(r.note, sizeof r.note, "%s", base_note);
        if ((rc = term_name(d, factor, d->mask[t], metric, name, sizeof name)) != ZF_OK)
            goto done;
        if (d->n == 0 || d->nonempty == 0) {
            zf_note_add(r.note, sizeof r.note, "no data");
        } else if (type == 3 && d->nonempty < d->ncell) {
            /* type III hypotheses concern every cell mean: not defined with an empty cell */
            zf_note_add(r.note, sizeof r.note, "empty cell %s: type III not defined (see type II)", empties);
        } else {
            for (size_t u = 0; u < d->nterm; u++)
                use[u] = type == 2 ? (d->mask[u] & d->mask[t]) != d->mask[t] /* terms not containing t */
                                   : u != t;                                /* all other terms */
            if ((rc = ls_fitted(d, use, f0, &r0)) != ZF_OK)
                goto done;
            if (type == 2) {
                use[t] = 1;
                if ((rc = ls_fitted(d, use, f1, &r1)) != ZF_OK)
                    goto done;
            } else {
                for (size_t i = 0; i < d->n; i++)
                    f1[i] = d->cmean[d->cell[i]] - d->ybar; /* the full model: the cell means */
                r1 = d->nonempty;
            }
            for (size_t i = 0; i < d->n; i++)
                ss += (f1[i] - f0[i]) * (f1[i] - f0[i]);
            f_test(d, ss, (double)r1 - (double)r0, &r);
            if (type == 2 && d->nonempty < d->ncell)
                zf_note_add(r.note, sizeof r.note, "empty cell %s", empties);
        }
        if ((rc = zf_rows_add(out, metric, name, type == 2 ? "anova_type2" : "anova_type3", d->n, 0, &r, "none")) != ZF_OK)
            goto done;
    }
done:
    free(f0);
    free(f1);
    return rc;
}

/* Estimated marginal means of every margin (every term), R's order. */
static int emmeans_rows(zf_stat_table *out, const design *d, const char *const *factor, const char *metric,
                        const char *base_note)
{
    char label[sizeof out->rows->contrast];
    double tq = d->dfres > 0 ? gsl_cdf_tdist_Qinv(0.025, d->dfres) : GSL_NAN;
    int rc;

    for (size_t t = 0; t < d->nterm; t++) {
        unsigned m = d->mask[t];
        size_t combo[ZF_MAX_FACTORS] = {0};
        do {
            zf_test_result r;
            size_t cells = 0, nobs = 0, empty = 0;
            double sum = 0.0, inv = 0.0;
            size_t other[ZF_MAX_FACTORS] = {0};
            zf_test_result_nan(&r);
            zf_note_add(r.note, sizeof r.note, "%s", base_note);
            if ((rc = combo_label(d, factor, m, combo, metric, label, sizeof label)) != ZF_OK)
                return rc;
            /* average over every combination of the other factors (equal weights) */
            do {
                size_t c = 0;
                for (size_t f = 0; f < d->nf; f++)
                    c += ((m & (1u << f)) ? combo[f] : other[f]) * d->stride[f];
                cells++;
                if (!d->ncnt[c]) {
                    empty++;
                    continue;
                }
                nobs += d->ncnt[c];
                sum += d->cmean[c];
                inv += 1.0 / (double)d->ncnt[c];
            } while (combo_next(d, ((1u << d->nf) - 1u) & ~m, other));
            if (empty) {
                zf_note_add(r.note, sizeof r.note, "not estimable: %zu empty cell%s", empty, empty == 1 ? "" : "s");
            } else {
                double se = sqrt(d->mse * inv) / (double)cells;
                r.estimate = sum / (double)cells;
                r.df = d->dfres;
                if (d->dfres > 0) {
                    r.ci_low = r.estimate - tq * se;
                    r.ci_high = r.estimate + tq * se;
                } else {
                    zf_note_add(r.note, sizeof r.note, "no residual degrees of freedom");
                }
            }
            if ((rc = zf_rows_add(out, metric, label, "emmeans", nobs, 0, &r, "none")) != ZF_OK)
                return rc;
        } while (combo_next(d, m, combo));
    }
    return ZF_OK;
}

/* Simple effects: each factor within every combination of the others. */
static int simple_rows(zf_stat_table *out, const design *d, const char *const *factor, const char *metric,
                       const char *base_note, int adjust)
{
    char label[sizeof out->rows->contrast], by[sizeof out->rows->contrast];
    size_t first = out->n;
    int rc;

    for (size_t f = 0; f < d->nf; f++) {
        unsigned others = ((1u << d->nf) - 1u) & ~(1u << f);
        size_t combo[ZF_MAX_FACTORS] = {0};
        do {
            zf_test_result r;
            size_t k = 0, nobs = 0;
            double sw = 0.0, s = 0.0, ss = 0.0;
            zf_test_result_nan(&r);
            zf_note_add(r.note, sizeof r.note, "%s", base_note);
            if ((rc = combo_label(d, factor, others, combo, metric, by, sizeof by)) != ZF_OK)
                return rc;
            if ((rc = zf_label(label, sizeof label, metric, "%s | %s", factor[f], by)) != ZF_OK)
                return rc;
            for (size_t l = 0; l < d->nlev[f]; l++) {
                size_t c = l * d->stride[f];
                for (size_t g = 0; g < d->nf; g++)
                    if (g != f)
                        c += combo[g] * d->stride[g];
                if (!d->ncnt[c])
                    continue;
                k++;
                nobs += d->ncnt[c];
                sw += (double)d->ncnt[c];
                s += (double)d->ncnt[c] * d->cmean[c];
            }
            if (k < 2) {
                zf_note_add(r.note, sizeof r.note, "fewer than 2 cells with data");
            } else {
                double wm = s / sw;
                for (size_t l = 0; l < d->nlev[f]; l++) {
                    size_t c = l * d->stride[f];
                    for (size_t g = 0; g < d->nf; g++)
                        if (g != f)
                            c += combo[g] * d->stride[g];
                    if (d->ncnt[c])
                        ss += (double)d->ncnt[c] * (d->cmean[c] - wm) * (d->cmean[c] - wm);
                }
                f_test(d, ss, (double)k - 1.0, &r);
                if (k < d->nlev[f])
                    zf_note_add(r.note, sizeof r.note, "%zu empty cell%s left out", d->nlev[f] - k,
                                d->nlev[f] - k == 1 ? "" : "s");
            }
            if ((rc = zf_rows_add(out, metric, label, "simple_effect", nobs, 0, &r, zf_adjust_name(adjust))) != ZF_OK)
                return rc;
        } while (combo_next(d, others, combo));
    }
    return zf_rows_adjust(out, first, "simple_effect", adjust);
}

/* Every pair of non-empty cells with the pooled SD (R: pairwise.t.test(pool.sd = TRUE)). */
static int pairwise_rows(zf_stat_table *out, const design *d, const char *const *factor, const char *metric,
                         const char *base_note, int adjust)
{
    char li[sizeof out->rows->contrast], lj[sizeof out->rows->contrast], label[sizeof out->rows->contrast];
    size_t combo_i[ZF_MAX_FACTORS], combo_j[ZF_MAX_FACTORS], first = out->n;
    unsigned all = (1u << d->nf) - 1u;
    double tq = d->dfres > 0 ? gsl_cdf_tdist_Qinv(0.025, d->dfres) : GSL_NAN;
    int rc;

    for (size_t ci = 0; ci < d->ncell; ci++) {
        if (!d->ncnt[ci])
            continue;
        for (size_t f = 0; f < d->nf; f++)
            combo_i[f] = (ci / d->stride[f]) % d->nlev[f];
        if ((rc = combo_label(d, factor, all, combo_i, metric, li, sizeof li)) != ZF_OK)
            return rc;
        for (size_t cj = ci + 1; cj < d->ncell; cj++) {
            zf_test_result r;
            if (!d->ncnt[cj])
                continue;
            for (size_t f = 0; f < d->nf; f++)
                combo_j[f] = (cj / d->stride[f]) % d->nlev[f];
            if ((rc = combo_label(d, factor, all, combo_j, metric, lj, sizeof lj)) != ZF_OK ||
                (rc = zf_label(label, sizeof label, metric, "%s - %s", lj, li)) != ZF_OK)
                return rc;
            zf_test_result_nan(&r);
            zf_note_add(r.note, sizeof r.note, "%s", base_note);
            r.estimate = d->cmean[cj] - d->cmean[ci];
            if (!(d->dfres > 0)) {
                zf_note_add(r.note, sizeof r.note, "no residual degrees of freedom");
            } else if (!d->spread) {
                zf_note_add(r.note, sizeof r.note, "data are essentially constant within cells");
            } else {
                double se = sqrt(d->mse * (1.0 / (double)d->ncnt[ci] + 1.0 / (double)d->ncnt[cj]));
                r.statistic = r.estimate / se;
                r.df = d->dfres;
                r.p = 2.0 * gsl_cdf_tdist_Q(fabs(r.statistic), d->dfres);
                r.ci_low = r.estimate - tq * se;
                r.ci_high = r.estimate + tq * se;
            }
            if ((rc = zf_rows_add(out, metric, label, "pairwise_t", d->ncnt[cj], d->ncnt[ci], &r,
                                  zf_adjust_name(adjust))) != ZF_OK)
                return rc;
        }
    }
    return zf_rows_adjust(out, first, "pairwise_t", adjust);
}

/* Shapiro-Wilk in every cell and Brown-Forsythe across the cells. */
static int check_rows(zf_stat_table *out, const design *d, const char *const *factor, const char *metric)
{
    double *v = NULL;
    const double **ptr = NULL;
    size_t *off = NULL, *fill = NULL;
    char (*labels)[sizeof out->rows->contrast] = NULL;
    const char **lab = NULL;
    char term[sizeof out->rows->contrast];
    unsigned all = (1u << d->nf) - 1u;
    int rc = ZF_OK;

    v = malloc((d->n + 1) * sizeof *v);
    ptr = malloc(d->ncell * sizeof *ptr);
    off = malloc(d->ncell * sizeof *off);
    fill = calloc(d->ncell, sizeof *fill);
    labels = malloc(d->ncell * sizeof *labels);
    lab = malloc(d->ncell * sizeof *lab);
    if (!v || !ptr || !off || !fill || !labels || !lab) {
        rc = zf_error(ZF_ENOMEM, "factorial: out of memory");
        goto done;
    }
    for (size_t c = 0, o = 0; c < d->ncell; c++) {
        size_t combo[ZF_MAX_FACTORS];
        off[c] = o;
        o += d->ncnt[c];
        ptr[c] = v + off[c];
        for (size_t f = 0; f < d->nf; f++)
            combo[f] = (c / d->stride[f]) % d->nlev[f];
        if ((rc = combo_label(d, factor, all, combo, metric, labels[c], sizeof labels[c])) != ZF_OK)
            goto done;
        lab[c] = labels[c];
    }
    for (size_t i = 0; i < d->n; i++)
        v[off[d->cell[i]] + fill[d->cell[i]]++] = d->y[i];
    if ((rc = term_name(d, factor, all, metric, term, sizeof term)) != ZF_OK)
        goto done;
    rc = zf_checks_rows(out, metric, lab, ptr, d->ncnt, d->ncell, term);
done:
    free(v);
    free(ptr);
    free(off);
    free(fill);
    free(labels);
    free(lab);
    return rc;
}

int zf_stats_factorial(zf_stat_table *t, const char *metric, const char *const *factor, size_t nfactors,
                       const char *const *levels, const double *value, size_t n, const zf_compare_opts *opts)
{
    design d;
    zf_stat_table out;
    char note[128] = "";
    int rc;

    memset(&d, 0, sizeof d);
    if (!t || !metric || !factor || !opts || ((!levels || !value) && n))
        return zf_error(ZF_EINVAL, "factorial: NULL argument");
    if (nfactors < 1 || nfactors > ZF_MAX_FACTORS)
        return zf_error(ZF_EINVAL, "factorial: metric '%s': expected 1 to %d factors, got %zu", metric,
                        ZF_MAX_FACTORS, nfactors);
    for (size_t f = 0; f < nfactors; f++) {
        if (!factor[f] || !factor[f][0])
            return zf_error(ZF_EINVAL, "factorial: factor %zu has no name", f + 1);
        for (size_t g = 0; g < f; g++)
            if (strcmp(factor[f], factor[g]) == 0)
                return zf_error(ZF_EINVAL, "factorial: factor '%s' named twice", factor[f]);
    }
    for (size_t i = 0; i < n * nfactors; i++)
        if (!levels[i])
            return zf_error(ZF_EINVAL, "factorial: metric '%s': observation %zu has no level of '%s'", metric,
                            i / nfactors, factor[i % nfactors]);
    if ((rc = zf_p_adjust(NULL, 0, opts->adjust, NULL)) != ZF_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (isinf(value[i]))
            return zf_error(ZF_EDATA, "factorial: metric '%s': infinite value (observation %zu)", metric, i + 1);
    zf_stat_table_init(&out);
    if ((rc = design_init(&d, levels, value, n, nfactors, metric, note, sizeof note)) != ZF_OK)
        return rc;
    for (size_t f = 0; f < nfactors; f++)
        if (d.nlev[f] == 1)
            zf_note_add(note, sizeof note, "factor '%s' has one level", factor[f]);
    if ((rc = anova_rows(&out, &d, factor, metric, 2, note)) != ZF_OK ||
        (rc = anova_rows(&out, &d, factor, metric, 3, note)) != ZF_OK)
        goto done;
    if (d.n == 0) /* no levels either: the ANOVA rows say "no data" */
        goto move;
    if (nfactors >= 2 && (rc = simple_rows(&out, &d, factor, metric, note, opts->adjust)) != ZF_OK)
        goto done;
    if ((rc = emmeans_rows(&out, &d, factor, metric, note)) != ZF_OK ||
        (rc = pairwise_rows(&out, &d, factor, metric, note, opts->adjust)) != ZF_OK ||
        (rc = check_rows(&out, &d, factor, metric)) != ZF_OK)
        goto done;
move:
    rc = zf_rows_move(t, &out);
done:
    zf_stat_table_free(&out);
    design_free(&d);
    return rc;
}
