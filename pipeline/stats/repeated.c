/* repeated.c: split-plot (mixed) ANOVA, group between x a within-subject factor (time bins), with Greenhouse-Geisser and Huynh-Feldt corrections, Mauchly's test, per-level group comparisons and checks. */
#include "zfstress/stats.h"

#include "stats/stats_internal.h"
#include "zfstress/core.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_permutation.h>

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The sums of squares of the split-plot design on the complete subjects. */
typedef struct split_plot {
    size_t nsub, ngroup, p;     /* complete subjects, groups with one, within levels - 1 */
    double ss_group, ss_subj;   /* between subjects */
    double ss_within, ss_inter, ss_error; /* within subjects */
    double tr, tr2;             /* trace of the error SSP matrix and of its square */
    double lndet;               /* log det of the error SSP matrix; -Inf when singular */
    int spread;                 /* 0 when the within-subject error is at rounding level */
    int spread_between;         /* 0 when the subject means vary only at rounding level within groups */
} split_plot;

/* Orthonormal (normalised Helmert) contrast j (0-based, j < k - 1) at level b:
 * orthogonal to the constant, so the sums of squares do not depend on the choice. */
static double helmert(size_t j, size_t b)
{
    double jj = (double)j + 1.0, s = sqrt(jj * (jj + 1.0));
    if (b <= j)
        return 1.0 / s;
    if (b == j + 1)
        return -jj / s;
    return 0.0;
}

/* Univariate split-plot sums of squares from the multivariate form (Z = Y C):
 * within effect N |mean z|^2 (the n-weighted mean over groups: type II, as
 * aov with Error strata), interaction sum_g n_g |mean_g z - mean z|^2, error
 * the trace of the pooled within-group SSP matrix of z (O'Brien & Kaiser 1985). */
static int split_plot_ss(const double *y, const size_t *gi, const int *complete, size_t nsub_all, size_t k,
                         size_t ngl, split_plot *sp)
{
    size_t p = k - 1;
    double *z = NULL, *zg = NULL, *zall = NULL, *mg = NULL, big = 0.0, mall = 0.0;
    size_t *ng = NULL;
    gsl_matrix *S = NULL;
    gsl_permutation *perm = NULL;
    int rc = ZF_OK;

    memset(sp, 0, sizeof *sp);
    sp->p = p;
    z = malloc((nsub_all * (p ? p : 1) + 1) * sizeof *z);
    zg = calloc(ngl * (p ? p : 1) + 1, sizeof *zg);
    zall = calloc(p + 1, sizeof *zall);
    mg = calloc(ngl + 1, sizeof *mg);
    ng = calloc(ngl + 1, sizeof *ng);
    if (!z || !zg || !zall || !mg || !ng) {
        rc = zf_error(ZF_ENOMEM, "repeated measures: out of memory for %zu subjects", nsub_all);
        goto done;
    }
    for (size_t s = 0; s < nsub_all; s++) {
        double m = 0.0;
        if (!complete[s])
            continue;
        for (size_t b = 0; b < k; b++) {
            m += y[s * k + b];
            big = fmax(big, fabs(y[s * k + b]));
        }
        m /= (double)k;
        ng[gi[s]]++;
        mg[gi[s]] += m;
        mall += m;
        sp->nsub++;
        for (size_t j = 0; j < p; j++) {
            double v = 0.0;
            for (size_t b = 0; b <= j + 1; b++)
                v += helmert(j, b) * y[s * k + b];
            z[s * p + j] = v;
            zg[gi[s] * p + j] += v;
            zall[j] += v;
        }
    }
    for (size_t g = 0; g < ngl; g++) {
        if (!ng[g])
            continue;
        sp->ngroup++;
        mg[g] /= (double)ng[g];
        for (size_t j = 0; j < p; j++)
            zg[g * p + j] /= (double)ng[g];
    }
    if (sp->nsub == 0)
        goto done;
    mall /= (double)sp->nsub;
    for (size_t j = 0; j < p; j++) {
        zall[j] /= (double)sp->nsub;
        sp->ss_within += (double)sp->nsub * zall[j] * zall[j];
    }
    for (size_t g = 0; g < ngl; g++) {
        if (!ng[g])
            continue;
        sp->ss_group += (double)k * (double)ng[g] * (mg[g] - mall) * (mg[g] - mall);
        for (size_t j = 0; j < p; j++) {
            double dz = zg[g * p + j] - zall[j];
            sp->ss_inter += (double)ng[g] * dz * dz;
        }
    }
    if (p && !(S = gsl_matrix_calloc(p, p))) {
        rc = zf_error(ZF_ENOMEM, "repeated measures: out of memory");
        goto done;
    }
    for (size_t s = 0; s < nsub_all; s++) {
        double m = 0.0;
        if (!complete[s])
            continue;
        for (size_t b = 0; b < k; b++)
            m += y[s * k + b];
        m /= (double)k;
        sp->ss_subj += (double)k * (m - mg[gi[s]]) * (m - mg[gi[s]]);
        for (size_t i = 0; i < p; i++)
            for (size_t j = 0; j <= i; j++) {
                double v = (z[s * p + i] - zg[gi[s] * p + i]) * (z[s * p + j] - zg[gi[s] * p + j]);
                *gsl_matrix_ptr(S, i, j) += v;
            }
    }
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < i; j++)
            gsl_matrix_set(S, j, i, gsl_matrix_get(S, i, j));
    for (size_t i = 0; i < p; i++) {
        sp->tr += gsl_matrix_get(S, i, i);
        for (size_t j = 0; j < p; j++)
            sp->tr2 += gsl_matrix_get(S, i, j) * gsl_matrix_get(S, j, i);
    }
    sp->ss_error = sp->tr;
    sp->spread = sqrt(sp->ss_error / ((double)sp->nsub * (double)k)) > 10.0 * DBL_EPSILON * big;
    sp->spread_between = sqrt(sp->ss_subj / ((double)sp->nsub * (double)k)) > 10.0 * DBL_EPSILON * big;
    sp->lndet = -INFINITY;
    if (p) {
        int signum;
        if (!(perm = gsl_permutation_alloc(p))) {
            rc = zf_error(ZF_ENOMEM, "repeated measures: out of memory");
            goto done;
        }
        if (gsl_linalg_LU_decomp(S, perm, &signum) == GSL_SUCCESS && gsl_linalg_LU_sgndet(S, signum) > 0)
            sp->lndet = gsl_linalg_LU_lndet(S);
    }
done:
    free(z);
    free(zg);
    free(zall);
    free(mg);
    free(ng);
    if (S)
        gsl_matrix_free(S);
    if (perm)
        gsl_permutation_free(perm);
    return rc;
}

/* F test with a common error; NaN and a note when undefined. */
static void rm_f(double ss, double df, double sse, double dfe, int spread, zf_test_result *r)
{
    if (!(df > 0)) {
        zf_note_add(r->note, sizeof r->note, "term has no degrees of freedom");
        return;
    }
    if (!(dfe > 0)) {
        zf_note_add(r->note, sizeof r->note, "no residual degrees of freedom");
        return;
    }
    r->df = df;
    r->df2 = dfe;
    if (!spread || !(sse > 0)) {
        zf_note_add(r->note, sizeof r->note, "data are essentially constant");
        return;
    }
    r->estimate = r->statistic = (ss / df) / (sse / dfe);
    r->p = gsl_cdf_fdist_Q(r->statistic, df, dfe);
}

/* The corrected row: estimate = epsilon, df and df2 scaled by min(1, epsilon). */
static void corrected(const zf_test_result *u, double eps, zf_test_result *r)
{
    double e = fmin(1.0, eps);
    *r = *u;
    r->estimate = eps;
    if (isnan(eps) || isnan(u->statistic)) {
        r->df = r->df2 = r->p = GSL_NAN;
        return;
    }
    r->df = u->df * e;
    r->df2 = u->df2 * e;
    r->p = gsl_cdf_fdist_Q(u->statistic, r->df, r->df2);
    if (eps > 1.0)
        zf_note_add(r->note, sizeof r->note, "epsilon > 1 taken as 1");
}

/* The row of u corrected with eps (as corrected), noting note (when not empty) and, for a
 * within factor of two levels, that epsilon is 1. */
static int corrected_row(zf_stat_table *out, const char *metric, const char *contrast, const char *proc, size_t n,
                         const zf_test_result *u, double eps, const char *note, int two_levels)
{
    zf_test_result r;
    corrected(u, eps, &r);
    if (note[0])
        zf_note_add(r.note, sizeof r.note, "%s", note);
    if (two_levels)
        zf_note_add(r.note, sizeof r.note, "2 levels: epsilon is 1");
    return zf_rows_add(out, metric, contrast, proc, n, 0, &r, "none");
}

/* "'a', 'b'" of the levels found. */
static int control_missing(const char *control, const zf_split *sp)
{
    char list[512] = "";
    size_t len = 0;
    for (size_t i = 0; i < sp->nlev && len + 1 < sizeof list; i++) {
        int w = snprintf(list + len, sizeof list - len, "%s'%s'", i ? ", " : "", sp->levels[i]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    if (len + 1 >= sizeof list)
        memcpy(list + sizeof list - 4, "...", 4);
    return zf_error(ZF_EDATA, "control level '%s' not found; levels found: %s", control, sp->nlev ? list : "(none)");
}

int zf_stats_repeated(zf_stat_table *t, const char *metric, const char *factor, const char *within,
                      const char *const *group, const double *y, size_t nsub,
                      const char *const *wlabel, size_t k, const zf_compare_opts *opts)
{
    zf_stat_table out;
    zf_split sp;
    split_plot ss;
    size_t *gi = NULL, *idx = NULL, ngl = 1, dropped = 0, first;
    int *complete = NULL;
    double *xa = NULL, *xb = NULL, *means = NULL;
    const double **ptr = NULL;
    const char **lab = NULL;
    char label[sizeof out.rows->contrast], note[128] = "", inter[sizeof out.rows->contrast];
    zf_test_result u_group, u_within, u_inter, r;
    static const char *const one[] = {"all"};
    int rc;

    memset(&sp, 0, sizeof sp);
    if (!t || !metric || !within || !opts || (!y && nsub) || (!wlabel && k) || (factor && !group && nsub))
        return zf_error(ZF_EINVAL, "repeated measures: NULL argument");
    if ((rc = zf_p_adjust(NULL, 0, opts->adjust, NULL)) != ZF_OK)
        return rc;
    for (size_t i = 0; factor && i < nsub; i++)
        if (!group[i])
            return zf_error(ZF_EINVAL, "repeated measures: metric '%s': subject %zu has no group", metric, i);
    for (size_t i = 0; i < nsub * k; i++)
        if (isinf(y[i]))
            return zf_error(ZF_EDATA, "repeated measures: metric '%s': infinite value (subject %zu)", metric, i / k + 1);
    zf_stat_table_init(&out);
    gi = calloc(nsub + 1, sizeof *gi);
    complete = calloc(nsub + 1, sizeof *complete);
    xa = malloc((nsub + 1) * sizeof *xa);
    xb = malloc((nsub + 1) * sizeof *xb);
    means = malloc((nsub + 1) * sizeof *means);
    idx = malloc((nsub + 1) * sizeof *idx);
    if (!gi || !complete || !xa || !xb || !means || !idx) {
        rc = zf_error(ZF_ENOMEM, "repeated measures: out of memory for %zu subjects", nsub);
        goto done;
    }
    if (factor) {
        /* levels: the control first, then order of first appearance */
        for (size_t i = 0; i < nsub; i++)
            xa[i] = (double)i;
        if ((rc = zf_split_init(&sp, group, xa, nsub, opts->control)) != ZF_OK)
            goto done;
        if (!sp.first_found) {
            rc = control_missing(opts->control, &sp);
            goto done;
        }
        for (size_t g = 0; g < sp.nlev; g++)
            for (size_t j = 0; j < sp.cnt[g]; j++)
                gi[(size_t)sp.v[sp.off[g] + j]] = g;
        ngl = sp.nlev;
    }
    for (size_t s = 0; s < nsub; s++) {
        complete[s] = 1;
        for (size_t b = 0; b < k; b++)
            if (isnan(y[s * k + b]))
                complete[s] = 0;
        dropped += complete[s] ? 0u : 1u;
    }
    if (dropped)
        zf_note_add(note, sizeof note, "%zu subject%s with a missing value left out", dropped, dropped == 1 ? "" : "s");
    if ((rc = split_plot_ss(y, gi, complete, nsub, k, ngl, &ss)) != ZF_OK)
        goto done;
    if (factor && ss.ngroup < ngl)
        zf_note_add(note, sizeof note, "%zu group%s without a complete subject", ngl - ss.ngroup,
                    ngl - ss.ngroup == 1 ? "" : "s");

    /* mixed_anova: between, within, interaction */
    {
        double n = (double)ss.nsub, g = (double)ss.ngroup, p = (double)ss.p, dfe = n - g;
        zf_test_result_nan(&u_group);
        zf_test_result_nan(&u_within);
        zf_test_result_nan(&u_inter);
        zf_note_add(u_group.note, sizeof u_group.note, "%s", note);
        zf_note_add(u_within.note, sizeof u_within.note, "%s", note);
        zf_note_add(u_inter.note, sizeof u_inter.note, "%s", note);
        if (ss.nsub == 0) {
            zf_note_add(u_group.note, sizeof u_group.note, "no complete subject");
            zf_note_add(u_within.note, sizeof u_within.note, "no complete subject");
            zf_note_add(u_inter.note, sizeof u_inter.note, "no complete subject");
        } else {
            rm_f(ss.ss_group, g - 1.0, ss.ss_subj, dfe, ss.spread_between, &u_group);
            if (k < 2) {
                zf_note_add(u_within.note, sizeof u_within.note, "fewer than 2 levels of %s", within);
                zf_note_add(u_inter.note, sizeof u_inter.note, "fewer than 2 levels of %s", within);
            } else {
                rm_f(ss.ss_within, p, ss.ss_error, dfe * p, ss.spread, &u_within);
                rm_f(ss.ss_inter, (g - 1.0) * p, ss.ss_error, dfe * p, ss.spread, &u_inter);
            }
        }
        if (factor) {
            if ((rc = zf_rows_add(&out, metric, factor, "mixed_anova", ss.nsub, 0, &u_group, "none")) != ZF_OK)
                goto done;
        }
        if ((rc = zf_rows_add(&out, metric, within, "mixed_anova", ss.nsub, 0, &u_within, "none")) != ZF_OK)
            goto done;
        if (factor) {
            if ((rc = zf_label(inter, sizeof inter, metric, "%s:%s", factor, within)) != ZF_OK ||
                (rc = zf_rows_add(&out, metric, inter, "mixed_anova", ss.nsub, 0, &u_inter, "none")) != ZF_OK)
                goto done;
        }
    }
    /* epsilons (Greenhouse & Geisser 1959; Huynh & Feldt 1976 with Lecoutre's 1991 correction) */
    {
        double p = (double)ss.p, ne = (double)ss.nsub - (double)ss.ngroup, gg = GSL_NAN, hf = GSL_NAN;
        char hf_note[64] = "";
        if (ss.p == 1) {
            gg = hf = 1.0;
        } else if (ss.p > 1 && ss.tr2 > 0) {
            double den;
            gg = ss.tr * ss.tr / (p * ss.tr2);
            den = p * (ne - p * gg);
            if (den > 0)
                hf = ((ne + 1.0) * p * gg - 2.0) / den;
            else
                snprintf(hf_note, sizeof hf_note, "Huynh-Feldt epsilon undefined (too few subjects)");
        }
        for (int which = 0; which < 2; which++) {
            const char *proc = which == 0 ? "mixed_anova_gg" : "mixed_anova_hf";
            double eps = which == 0 ? gg : hf;
            const char *extra = which == 1 ? hf_note : "";
            if ((rc = corrected_row(&out, metric, within, proc, ss.nsub, &u_within, eps, extra, ss.p == 1)) != ZF_OK)
                goto done;
            if (factor &&
                (rc = corrected_row(&out, metric, inter, proc, ss.nsub, &u_inter, eps, extra, ss.p == 1)) != ZF_OK)
                goto done;
        }
    }
    /* Mauchly (1940) W with the chi-square approximation and its second-order
     * term (Anderson 2003, section 10.7; Box 1949). */
    {
        double p = (double)ss.p, ne = (double)ss.nsub - (double)ss.ngroup;
        zf_test_result_nan(&r);
        zf_note_add(r.note, sizeof r.note, "%s", note);
        if (ss.p < 2) {
            zf_note_add(r.note, sizeof r.note, "%s", ss.p == 1 ? "2 levels: sphericity holds" : "fewer than 2 levels");
        } else if (!(ne >= p) || !isfinite(ss.lndet) || !(ss.tr > 0)) {
            zf_note_add(r.note, sizeof r.note, "not defined: fewer error degrees of freedom than contrasts");
        } else {
            double lnw = ss.lndet - p * log(ss.tr / p), rho, w2, z, f;
            rho = 1.0 - (2.0 * p * p + p + 2.0) / (6.0 * p * ne);
            /* 3 k, not 3 (k - 1) as in Anderson's expansion, to give the p of R's mauchly.test
             * (the two differ by less than 1e-4 in p) */
            w2 = (p + 2.0) * (p - 1.0) * (p - 2.0) * (2.0 * p * p * p + 6.0 * p * p + 3.0 * (p + 1.0) + 2.0) /
                 (288.0 * (ne * p * rho) * (ne * p * rho));
            z = -ne * rho * lnw;
            f = p * (p + 1.0) / 2.0 - 1.0;
            r.estimate = exp(lnw);
            r.statistic = z;
            r.df = f;
            {
                double p1 = gsl_cdf_chisq_Q(z, f), p2 = gsl_cdf_chisq_Q(z, f + 4.0);
                r.p = fmin(1.0, fmax(0.0, p1 + w2 * (p2 - p1)));
            }
        }
        if ((rc = zf_rows_add(&out, metric, within, "mauchly", ss.nsub, 0, &r, "none")) != ZF_OK)
            goto done;
    }
    /* Welch t of every level against the control at every level of within */
    first = out.n;
    if (factor && ngl >= 2) {
        for (size_t b = 0; b < k; b++)
            for (size_t g = 1; g < ngl; g++) {
                size_t na = 0, nb = 0, pa = 0, pb = 0;
                for (size_t s = 0; s < nsub; s++) {
                    double v = y[s * k + b];
                    if (gi[s] == g) {
                        xa[na++] = v;
                        pa += isnan(v) ? 0u : 1u;
                    } else if (gi[s] == 0) {
                        xb[nb++] = v;
                        pb += isnan(v) ? 0u : 1u;
                    }
                }
                if ((rc = zf_label(label, sizeof label, metric, "%s - %s | %s=%s", sp.levels[g], sp.levels[0], within,
                                   wlabel[b])) != ZF_OK ||
                    (rc = zf_test_welch(xa, na, xb, nb, &r)) != ZF_OK ||
                    (rc = zf_rows_add(&out, metric, label, "welch_t", pa, pb, &r, zf_adjust_name(opts->adjust))) != ZF_OK)
                    goto done;
            }
        if ((rc = zf_rows_adjust(&out, first, "welch_t", opts->adjust)) != ZF_OK)
            goto done;
    }
    /* checks on the subject means */
    {
        size_t nl = factor ? ngl : 1, o = 0;
        ptr = malloc((nl + 1) * sizeof *ptr);
        lab = malloc((nl + 1) * sizeof *lab);
        if (!ptr || !lab) {
            rc = zf_error(ZF_ENOMEM, "repeated measures: out of memory");
            goto done;
        }
        for (size_t g = 0; g < nl; g++) {
            size_t c = 0;
            ptr[g] = means + o;
            lab[g] = factor ? sp.levels[g] : one[0];
            for (size_t s = 0; s < nsub; s++) {
                double m = 0.0;
                if (!complete[s] || gi[s] != g)
                    continue;
                for (size_t b = 0; b < k; b++)
                    m += y[s * k + b];
                means[o + c++] = m / (double)k;
            }
            idx[g] = c;
            o += c;
        }
        if ((rc = zf_checks_rows(&out, metric, lab, ptr, idx, nl, "omnibus")) != ZF_OK)
            goto done;
    }
    rc = zf_rows_move(t, &out);
done:
    zf_stat_table_free(&out);
    zf_split_free(&sp);
    free(gi);
    free(idx);
    free(complete);
    free(xa);
    free(xb);
    free(means);
    free(ptr);
    free(lab);
    return rc;
}
