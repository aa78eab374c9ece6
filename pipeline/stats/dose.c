/* dose.c: dose-response: 4- and 3-parameter log-logistic fits (gsl_multifit_nlinear) with EC50 and its delta-method CI, lack of fit, the Jonckheere-Terpstra trend test and checks per dose. */
#include "zfstress/stats.h"

#include "stats/stats_internal.h"
#include "zfstress/core.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_vector.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STARTS_LE 12
#define MAX_ITER 200      /* a start that needs more is heading for b -> infinity (a step) */
#define EC50_SPAN 1000.0  /* a CI wider than this ratio: the EC50 is not identified */

typedef struct ll_data {
    const double *x, *y;
    size_t n, npar;
} ll_data;

/* logistic(z) = 1 / (1 + exp(-z)) without overflow */
static double logistic(double z)
{
    if (z >= 0.0)
        return 1.0 / (1.0 + exp(-z));
    double e = exp(z);
    return e / (1.0 + e);
}

/* f(x) = c + (d - c) / (1 + exp(b (ln x - le))) = d - (d - c) s, s = logistic(b (ln x - le));
 * at x = 0, s = 0 for b > 0 (f = d) and 1 for b < 0 (f = c). th = (b, c, d, le) or (b, d, le). */
static double ll_eval(const double *th, size_t npar, double x, double *grad)
{
    double b = th[0], c = npar == 4 ? th[1] : 0.0, d = th[npar == 4 ? 2 : 1], le = th[npar - 1];
    double s, s1, lx = 0.0;
    if (x > 0.0) {
        lx = log(x) - le;
        s = logistic(b * lx);
        s1 = logistic(-b * lx);
    } else {
        s = b > 0.0 ? 0.0 : (b < 0.0 ? 1.0 : 0.5);
        s1 = 1.0 - s;
    }
    if (grad) {
        double ds = (d - c) * s * s1; /* -(d f / d z) */
        grad[0] = x > 0.0 ? -ds * lx : 0.0;
        if (npar == 4) {
            grad[1] = s;
            grad[2] = s1;
        } else {
            grad[1] = s1;
        }
        grad[npar - 1] = x > 0.0 ? ds * b : 0.0;
    }
    return c + (d - c) * s1;
}

static int ll_f(const gsl_vector *th, void *params, gsl_vector *f)
{
    const ll_data *dd = params;
    double t[4];
    for (size_t j = 0; j < dd->npar; j++)
        t[j] = gsl_vector_get(th, j);
    for (size_t i = 0; i < dd->n; i++)
        gsl_vector_set(f, i, ll_eval(t, dd->npar, dd->x[i], NULL) - dd->y[i]);
    return GSL_SUCCESS;
}

static int ll_df(const gsl_vector *th, void *params, gsl_matrix *J)
{
    const ll_data *dd = params;
    double t[4], g[4];
    for (size_t j = 0; j < dd->npar; j++)
        t[j] = gsl_vector_get(th, j);
    for (size_t i = 0; i < dd->n; i++) {
        (void)ll_eval(t, dd->npar, dd->x[i], g);
        for (size_t j = 0; j < dd->npar; j++)
            gsl_matrix_set(J, i, j, g[j]);
    }
    return GSL_SUCCESS;
}

/* One trust-region (Levenberg-Marquardt) run from th0; 1 with *rss when it converged. */
static int fit_from(gsl_multifit_nlinear_workspace *w, gsl_multifit_nlinear_fdf *fdf, const double *th0,
                    size_t npar, double xtol, double *th, double *rss)
{
    double buf[4];
    gsl_vector_view v = gsl_vector_view_array(buf, npar);
    const gsl_vector *pos;
    int info = 0, st;
    double chisq = 0.0;
    memcpy(buf, th0, npar * sizeof *buf);
    if (gsl_multifit_nlinear_init(&v.vector, fdf, w) != GSL_SUCCESS)
        return 0;
    st = gsl_multifit_nlinear_driver(MAX_ITER, xtol, xtol, 0.0, NULL, NULL, &info, w);
    if (st != GSL_SUCCESS && st != GSL_ENOPROG)
        return 0;
    pos = gsl_multifit_nlinear_position(w);
    if (gsl_blas_ddot(gsl_multifit_nlinear_residual(w), gsl_multifit_nlinear_residual(w), &chisq) != GSL_SUCCESS ||
        !isfinite(chisq))
        return 0;
    for (size_t j = 0; j < npar; j++) {
        th[j] = gsl_vector_get(pos, j);
        if (!isfinite(th[j]))
            return 0;
    }
    *rss = chisq;
    return 1;
}

static void fit_nan(zf_loglogistic *fit, size_t npar)
{
    char keep[sizeof fit->note];
    memcpy(keep, fit->note, sizeof keep);
    fit->npar = npar;
    fit->b = fit->c = fit->d = fit->e = GSL_NAN;
    fit->se_b = fit->se_c = fit->se_d = fit->se_log_e = GSL_NAN;
    fit->ec50_low = fit->ec50_high = GSL_NAN;
    fit->rss = fit->rse = fit->df = GSL_NAN;
    fit->lof_f = fit->lof_df = fit->lof_df2 = fit->lof_p = GSL_NAN;
    memcpy(fit->note, keep, sizeof keep);
}

int zf_fit_loglogistic(const double *dose, const double *y, size_t n, size_t npar, zf_loglogistic *fit)
{
    double *x = NULL, *v = NULL, *ux = NULL, *um = NULL, *starts = NULL;
    size_t *order = NULL, m = 0, npos = 0, missing = 0, nk = 0, nstart = 0;
    gsl_multifit_nlinear_workspace *w = NULL;
    gsl_matrix *covar = NULL, *jac = NULL;
    gsl_multifit_nlinear_fdf fdf;
    gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
    ll_data dd;
    double best[4] = {0}, best_rss = INFINITY, pe = 0.0;
    int found = 0, rc = ZF_OK;

    if (!fit || ((!dose || !y) && n))
        return zf_error(ZF_EINVAL, "log-logistic fit: NULL argument");
    if (npar != 3 && npar != 4)
        return zf_error(ZF_EINVAL, "log-logistic fit: expected 3 or 4 parameters, got %zu", npar);
    memset(fit, 0, sizeof *fit);
    fit_nan(fit, npar);
    for (size_t i = 0; i < n; i++) {
        if (isinf(dose[i]) || dose[i] < 0.0)
            return zf_error(ZF_EDATA, "dose-response: dose %g (observation %zu): expected a finite dose >= 0",
                            dose[i], i + 1);
        if (isinf(y[i]))
            return zf_error(ZF_EDATA, "dose-response: infinite response (observation %zu)", i + 1);
    }
    x = malloc((n + 1) * sizeof *x);
    v = malloc((n + 1) * sizeof *v);
    order = malloc((n + 1) * sizeof *order);
    if (!x || !v || !order) {
        rc = zf_error(ZF_ENOMEM, "dose-response: out of memory for %zu observations", n);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (isnan(dose[i]) || isnan(y[i])) {
            missing++;
            continue;
        }
        x[nk] = dose[i];
        v[nk++] = y[i];
    }
    if (missing)
        zf_note_add(fit->note, sizeof fit->note, "%zu missing value%s dropped", missing, missing == 1 ? "" : "s");
    /* the doses, their means and the pure-error sum of squares */
    ux = malloc((nk + 1) * sizeof *ux);
    um = malloc((nk + 1) * sizeof *um);
    starts = malloc((2 * nk + 2) * sizeof *starts);
    if (!ux || !um || !starts) {
        rc = zf_error(ZF_ENOMEM, "dose-response: out of memory");
        goto done;
    }
    if (nk)
        gsl_sort_index(order, x, 1, nk);
    for (size_t i = 0; i < nk;) {
        size_t j = i;
        double s = 0.0;
        while (j < nk && x[order[j]] == x[order[i]])
            s += v[order[j++]];
        ux[m] = x[order[i]];
        um[m] = s / (double)(j - i);
        for (size_t q = i; q < j; q++)
            pe += (v[order[q]] - um[m]) * (v[order[q]] - um[m]);
        npos += ux[m] > 0.0 ? 1u : 0u;
        m++;
        i = j;
    }
    if (m < npar) {
        zf_note_add(fit->note, sizeof fit->note, "needs at least %zu distinct doses, got %zu", npar, m);
        goto done;
    }
    if (npos < 2) {
        zf_note_add(fit->note, sizeof fit->note, "needs at least 2 positive doses");
        goto done;
    }
    if (nk <= npar) {
        zf_note_add(fit->note, sizeof fit->note, "no residual degrees of freedom");
        goto done;
    }
    /* starting points: ln e at every positive dose and between neighbours (at most
     * MAX_STARTS_LE of them, spread over the range), slopes 0.5, 1, 2, 4; the
     * 4-parameter curve starts with b > 0 (d at the lowest dose, c at the
     * highest), the 3-parameter curve tries both directions */
    for (size_t j = 0; j < m; j++)
        if (ux[j] > 0.0) {
            starts[nstart++] = log(ux[j]);
            if (j + 1 < m)
                starts[nstart++] = 0.5 * (log(ux[j]) + log(ux[j + 1]));
        }
    if (nstart > MAX_STARTS_LE) {
        for (size_t q = 0; q < MAX_STARTS_LE; q++)
            starts[q] = starts[q * (nstart - 1) / (MAX_STARTS_LE - 1)];
        nstart = MAX_STARTS_LE;
    }
    dd.x = x;
    dd.y = v;
    dd.n = nk;
    dd.npar = npar;
    memset(&fdf, 0, sizeof fdf);
    fdf.f = ll_f;
    fdf.df = ll_df;
    fdf.n = nk;
    fdf.p = npar;
    fdf.params = &dd;
    w = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &par, nk, npar);
    covar = gsl_matrix_alloc(npar, npar);
    jac = gsl_matrix_alloc(nk, npar);
    if (!w || !covar || !jac) {
        rc = zf_error(ZF_ENOMEM, "dose-response: out of memory for the fit");
        goto done;
    }
    {
        static const double slopes[] = {1.0, 2.0, 0.5, 4.0};
        double lo = um[0], hi = um[m - 1];
        if (lo == hi)
            hi = lo + 1.0;
        for (int dir = 0; dir < (npar == 3 ? 2 : 1); dir++)
            for (size_t q = 0; q < nstart; q++)
                for (size_t sl = 0; sl < sizeof slopes / sizeof slopes[0]; sl++) {
                    double th0[4], th[4], rss;
                    th0[0] = dir ? -slopes[sl] : slopes[sl];
                    if (npar == 4) {
                        th0[1] = hi;
                        th0[2] = lo;
                        th0[3] = starts[q];
                    } else {
                        th0[1] = dir ? hi : lo;
                        th0[2] = starts[q];
                    }
                    if (fit_from(w, &fdf, th0, npar, 1e-12, th, &rss) && rss < best_rss * (1.0 - 1e-12)) {
                        memcpy(best, th, sizeof best);
                        best_rss = rss;
                        found = 1;
                    }
                }
    }
    if (!found) {
        zf_note_add(fit->note, sizeof fit->note, "the fit did not converge (no finite least-squares curve: too few doses on the slope?)");
        goto done;
    }
    /* the covariance s^2 (J'J)^-1 with the Jacobian at the best fit */
    {
        double s2, cov[4][4];
        gsl_vector_view bv = gsl_vector_view_array(best, npar);
        int cov_ok = 1;
        fit->df = (double)nk - (double)npar;
        fit->rss = best_rss;
        s2 = best_rss / fit->df;
        fit->rse = sqrt(s2);
        if (ll_df(&bv.vector, &dd, jac) != GSL_SUCCESS || gsl_multifit_nlinear_covar(jac, 0.0, covar) != GSL_SUCCESS)
            cov_ok = 0;
        for (size_t i = 0; i < npar; i++)
            for (size_t j = 0; j < npar; j++) {
                cov[i][j] = s2 * gsl_matrix_get(covar, i, j);
                cov_ok &= isfinite(cov[i][j]) != 0;
            }
        if (npar == 4 && best[1] > best[2]) {
            /* report with c <= d: (b, c, d) -> (-b, d, c) is the same curve */
            static const size_t perm[4] = {0, 2, 1, 3};
            static const double sign[4] = {-1.0, 1.0, 1.0, 1.0};
            double nb[4], nc[4][4];
            for (size_t i = 0; i < 4; i++) {
                nb[i] = sign[i] * best[perm[i]];
                for (size_t j = 0; j < 4; j++)
                    nc[i][j] = sign[i] * sign[j] * cov[perm[i]][perm[j]];
            }
            memcpy(best, nb, sizeof nb);
            memcpy(cov, nc, sizeof nc);
        }
        fit->b = best[0];
        fit->c = npar == 4 ? best[1] : 0.0;
        fit->d = best[npar == 4 ? 2 : 1];
        fit->e = exp(best[npar - 1]);
        if (cov_ok && cov[0][0] >= 0 && cov[npar - 1][npar - 1] >= 0) {
            double tq = gsl_cdf_tdist_Qinv(0.025, fit->df), se_le;
            fit->se_b = sqrt(cov[0][0]);
            fit->se_c = npar == 4 ? sqrt(cov[1][1]) : GSL_NAN;
            fit->se_d = sqrt(cov[npar == 4 ? 2 : 1][npar == 4 ? 2 : 1]);
            se_le = fit->se_log_e = sqrt(cov[npar - 1][npar - 1]);
            fit->ec50_low = exp(best[npar - 1] - tq * se_le);
            fit->ec50_high = exp(best[npar - 1] + tq * se_le);
        } else {
            zf_note_add(fit->note, sizeof fit->note, "parameters not identifiable from these doses: no standard errors");
        }
        if (fit->e < ux[m - npos] || fit->e > ux[m - 1])
            zf_note_add(fit->note, sizeof fit->note, "EC50 outside the doses tested");
        if (!(fit->ec50_high / fit->ec50_low <= EC50_SPAN))
            zf_note_add(fit->note, sizeof fit->note, "EC50 not identified by these doses (95%% CI wider than %g-fold)",
                        EC50_SPAN);
        /* lack of fit against the dose means (needs replicates and more doses than parameters) */
        if (m > npar && nk > m) {
            double dfl = (double)m - (double)npar, dfp = (double)nk - (double)m;
            fit->lof_df = dfl;
            fit->lof_df2 = dfp;
            if (pe > 0.0) {
                fit->lof_f = (fmax(0.0, best_rss - pe) / dfl) / (pe / dfp);
                fit->lof_p = gsl_cdf_fdist_Q(fit->lof_f, dfl, dfp);
            }
        }
    }
done:
    if (w)
        gsl_multifit_nlinear_free(w);
    if (covar)
        gsl_matrix_free(covar);
    if (jac)
        gsl_matrix_free(jac);
    free(x);
    free(v);
    free(order);
    free(ux);
    free(um);
    free(starts);
    return rc;
}

/* A parameter row: estimate with its t CI, t statistic and two-sided p. */
static void param_result(double est, double se, double df, const char *note, zf_test_result *r)
{
    zf_test_result_nan(r);
    snprintf(r->note, sizeof r->note, "%s", note);
    r->estimate = est;
    r->df = df;
    if (isfinite(se) && se > 0.0 && df > 0) {
        double tq = gsl_cdf_tdist_Qinv(0.025, df);
        r->ci_low = est - tq * se;
        r->ci_high = est + tq * se;
        r->statistic = est / se;
        r->p = 2.0 * gsl_cdf_tdist_Q(fabs(r->statistic), df);
    }
}

int zf_stats_dose(zf_stat_table *t, const char *metric, const char *dose_name, const double *dose,
                  const double *value, size_t n, const zf_compare_opts *opts)
{
    zf_stat_table out;
    zf_loglogistic fit;
    zf_test_result r;
    double *xs = NULL, *vs = NULL;
    size_t *order = NULL, *cnt = NULL, nk = 0, m = 0, missing = 0;
    const double **ptr = NULL;
    char (*labels)[32] = NULL;
    const char **lab = NULL;
    int rc = ZF_OK;

    if (!t || !metric || !dose_name || !opts || ((!dose || !value) && n))
        return zf_error(ZF_EINVAL, "dose-response: NULL argument");
    zf_stat_table_init(&out);
    for (size_t i = 0; i < n; i++)
        nk += (isnan(dose[i]) || isnan(value[i])) ? 0u : 1u;
    for (size_t npar = 4; npar >= 3; npar--) {
        const char *proc = npar == 4 ? "loglogistic4" : "loglogistic3";
        if ((rc = zf_fit_loglogistic(dose, value, n, npar, &fit)) != ZF_OK)
            goto done;
        zf_test_result_nan(&r);
        snprintf(r.note, sizeof r.note, "%s", fit.note);
        r.estimate = fit.e;
        r.ci_low = fit.ec50_low;
        r.ci_high = fit.ec50_high;
        r.df = fit.df;
        if ((rc = zf_rows_add(&out, metric, "ec50", proc, nk, 0, &r, "none")) != ZF_OK)
            goto done;
        param_result(fit.b, fit.se_b, fit.df, fit.note, &r);
        if ((rc = zf_rows_add(&out, metric, "slope", proc, nk, 0, &r, "none")) != ZF_OK)
            goto done;
        if (npar == 4) {
            param_result(fit.c, fit.se_c, fit.df, fit.note, &r);
            if ((rc = zf_rows_add(&out, metric, "lower", proc, nk, 0, &r, "none")) != ZF_OK)
                goto done;
        }
        param_result(fit.d, fit.se_d, fit.df, fit.note, &r);
        if ((rc = zf_rows_add(&out, metric, "upper", proc, nk, 0, &r, "none")) != ZF_OK)
            goto done;
        zf_test_result_nan(&r);
        snprintf(r.note, sizeof r.note, "%s", fit.note);
        r.estimate = fit.rse;
        r.df = fit.df;
        if ((rc = zf_rows_add(&out, metric, "residual_se", proc, nk, 0, &r, "none")) != ZF_OK)
            goto done;
        zf_test_result_nan(&r);
        snprintf(r.note, sizeof r.note, "%s", fit.note);
        r.estimate = r.statistic = fit.lof_f;
        r.df = fit.lof_df;
        r.df2 = fit.lof_df2;
        r.p = fit.lof_p;
        if (isnan(fit.lof_df) && !isnan(fit.b))
            zf_note_add(r.note, sizeof r.note, "no lack-of-fit test: needs replicated doses and more doses than parameters");
        if ((rc = zf_rows_add(&out, metric, "lack_of_fit", proc, nk, 0, &r, "none")) != ZF_OK)
            goto done;
    }
    nk = 0;
    /* groups by dose, increasing: the trend test and the checks */
    xs = malloc((n + 1) * sizeof *xs);
    vs = malloc((n + 1) * sizeof *vs);
    order = malloc((n + 1) * sizeof *order);
    cnt = malloc((n + 1) * sizeof *cnt);
    ptr = malloc((n + 1) * sizeof *ptr);
    lab = malloc((n + 1) * sizeof *lab);
    labels = malloc((n + 1) * sizeof *labels);
    if (!xs || !vs || !order || !cnt || !ptr || !lab || !labels) {
        rc = zf_error(ZF_ENOMEM, "dose-response: out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (isnan(dose[i]) || isnan(value[i])) {
            missing++;
            continue;
        }
        xs[nk++] = dose[i];
    }
    if (nk)
        gsl_sort_index(order, xs, 1, nk);
    {
        double *tmp = malloc((nk + 1) * sizeof *tmp);
        size_t q = 0;
        if (!tmp) {
            rc = zf_error(ZF_ENOMEM, "dose-response: out of memory");
            goto done;
        }
        for (size_t i = 0; i < n; i++)
            if (!(isnan(dose[i]) || isnan(value[i])))
                tmp[q++] = value[i];
        for (size_t i = 0; i < nk; i++)
            vs[i] = tmp[order[i]];
        for (size_t i = 0; i < nk; i++)
            tmp[i] = xs[order[i]];
        memcpy(xs, tmp, nk * sizeof *xs);
        free(tmp);
    }
    for (size_t i = 0; i < nk;) {
        size_t j = i;
        while (j < nk && xs[j] == xs[i])
            j++;
        ptr[m] = vs + i;
        cnt[m] = j - i;
        zf_number_label(labels[m], sizeof labels[m], xs[i]);
        lab[m] = labels[m];
        m++;
        i = j;
    }
    if ((rc = zf_test_jonckheere(ptr, cnt, m, &r)) != ZF_OK)
        goto done;
    if (missing)
        zf_note_add(r.note, sizeof r.note, "%zu missing value%s dropped", missing, missing == 1 ? "" : "s");
    if ((rc = zf_rows_add(&out, metric, dose_name, "jonckheere", nk, 0, &r, "none")) != ZF_OK ||
        (rc = zf_checks_rows(&out, metric, lab, ptr, cnt, m, dose_name)) != ZF_OK)
        goto done;
    rc = zf_rows_move(t, &out);
done:
    zf_stat_table_free(&out);
    free(xs);
    free(vs);
    free(order);
    free(cnt);
    free(ptr);
    free(lab);
    free(labels);
    return rc;
}
