/* ranges.c: the studentized range (Tukey) and two-sided Dunnett distributions by deterministic numerical integration (GSL), their quantiles by root finding. */
#include "zfstress/stats.h"

#include "stats/stats_internal.h"
#include "zfstress/core.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_gamma.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Both distributions are P(statistic > x) = int_0^inf f_nu(s) U(x s) ds, where
 * s = chi_nu / sqrt(nu) has density f_nu and U(w) is the upper tail of the
 * statistic with known variance (Copenhaver & Holland 1988 for the range;
 * Dunnett 1955 for the many-to-one maximum). The inner integral U is a
 * Gauss-Legendre rule (TUKEY_POINTS / DUNNETT_POINTS nodes) over the interval
 * that holds its mass (checked against nested adaptive integration: 1e-14
 * relative for the range over k = 2..12, nu = 1..1e5, q = 0.3..15, 1e-11 for
 * Dunnett over m = 1..5, nu = 2..200); the outer one is adaptive Gauss-Kronrod
 * (QAG, 61 points) to a relative OUTER_EPSREL over the chi-density range
 * described at LOG_TAIL.
 * Upper tails are integrated directly (no 1 - P cancellation), so small p keep
 * their relative accuracy. */
#define TUKEY_POINTS 96
#define DUNNETT_POINTS 64
#define OUTER_EPSREL 1e-11
#define OUTER_LIMIT 200
/* The outer range: where log f_nu is within LOG_TAIL of its maximum; on the
 * low side (where U is near 1) a further log(1/p0) below, with p0 a lower
 * bound of p (one comparison's t tail), so that the left-out mass is small
 * relative to p itself. */
#define LOG_TAIL 33.0
/* Above this df the chi density is treated as a point mass at 1. */
#define DF_INFINITE 1e9

enum { DIST_TUKEY, DIST_DUNNETT };

typedef struct dist {
    int kind;
    size_t k;              /* Tukey: number of means; Dunnett: number of contrasts */
    const double *lambda;  /* Dunnett: [k] */
    double *lam, *sd, *mult; /* Dunnett: the distinct lambda, sqrt(1 - lambda^2), multiplicity */
    size_t nlam;
    double lambda_max;
    double x;              /* q or c */
    double nu, lognorm;    /* df; log of the normalising constant of f_nu */
    gsl_integration_glfixed_table *gl;
} dist;

static double norm_cdf(double x)
{
    return 0.5 * erfc(-x * M_SQRT1_2);
}

/* Range of k standard normals, upper tail at w:
 * U(w) = k int phi(z) [Phi(z)^(k-1) - (Phi(z) - Phi(z-w))^(k-1)] dz, the bracket
 * written as b sum_j a^j c^(k-2-j) (a = Phi(z), b = Phi(z-w), c = a-b), a sum
 * of positive terms, so there is no cancellation when U is small. */
typedef struct range_par {
    double w;
    size_t k;
} range_par;

static double range_integrand(double z, void *vp)
{
    const range_par *p = vp;
    double a = norm_cdf(z), b = norm_cdf(z - p->w), c = a - b;
    double sum = 0.0, apow = 1.0;
    /* after step i, sum = sum_{j=0}^{i} a^j c^(i-j); the loop ends at i = k-2 */
    for (size_t i = 0; i + 1 < p->k; i++) {
        sum = sum * c + apow;
        apow *= a;
    }
    return (double)p->k * M_SQRT1_2 * M_2_SQRTPI * 0.5 * exp(-0.5 * z * z) * b * sum;
}

static double range_upper(const dist *d, double w)
{
    range_par p = {w, d->k};
    gsl_function f = {range_integrand, &p};
    if (!(w > 0.0))
        return 1.0;
    return gsl_integration_glfixed(&f, fmax(-8.5, 0.5 * w - 7.0), fmax(8.5, 0.5 * w + 7.0), d->gl);
}

/* Two-sided Dunnett with known variance, upper tail at w:
 * 1 - int phi(z) prod_i [Phi((l_i z + w)/s_i) - Phi((l_i z - w)/s_i)] dz with
 * s_i = sqrt(1 - l_i^2) (one-factor form of the equicorrelated-by-product
 * normal vector Z_i = l_i Z_0 + s_i E_i, corr(Z_i, Z_j) = l_i l_j). The
 * integrand is even in z; 1 - prod (1 - e_i) = -expm1(sum log1p(-e_i)) keeps
 * small tails exact. */
typedef struct dunnett_par {
    const dist *d;
    double w;
} dunnett_par;

static double dunnett_integrand(double z, void *vp)
{
    const dunnett_par *p = vp;
    double sum = 0.0;
    for (size_t i = 0; i < p->d->nlam; i++) {
        double l = p->d->lam[i], s = p->d->sd[i];
        double e = norm_cdf((l * z - p->w) / s) + norm_cdf(-(l * z + p->w) / s);
        if (e >= 1.0)
            return M_SQRT1_2 * M_2_SQRTPI * exp(-0.5 * z * z);
        sum += p->d->mult[i] * log1p(-e);
    }
    return M_SQRT1_2 * M_2_SQRTPI * exp(-0.5 * z * z) * -expm1(sum);
}

static double dunnett_upper(const dist *d, double w)
{
    dunnett_par p = {d, w};
    gsl_function f = {dunnett_integrand, &p};
    if (!(w > 0.0))
        return 1.0;
    return gsl_integration_glfixed(&f, 0.0, 8.5 + d->lambda_max * w, d->gl);
}

static double inner_upper(const dist *d, double w)
{
    return d->kind == DIST_TUKEY ? range_upper(d, w) : dunnett_upper(d, w);
}

static double outer_integrand(double s, void *vp)
{
    const dist *d = vp;
    double lf;
    if (!(s > 0.0))
        return 0.0;
    lf = d->lognorm + (d->nu - 1.0) * log(s) - 0.5 * d->nu * s * s;
    if (lf < -745.0)
        return 0.0;
    return exp(lf) * inner_upper(d, d->x * s);
}

/* log f_nu(s) - log f_nu(mode), concave in s for nu >= 1. */
static double chi_log_rel(double nu, double mode, double s)
{
    if (!(s > 0.0))
        return nu > 1.0 ? -INFINITY : -0.5 * nu * s * s;
    if (!(mode > 0.0))
        return -0.5 * nu * s * s;
    return (nu - 1.0) * log(s / mode) - 0.5 * nu * (s - mode) * (s + mode);
}

/* s where chi_log_rel = -depth between a (above) and b (below), by bisection. */
static double chi_cut(double nu, double mode, double a, double b, double depth)
{
    for (int i = 0; i < 200 && fabs(b - a) > 1e-15 * fabs(a); i++) {
        double mid = 0.5 * (a + b);
        if (chi_log_rel(nu, mode, mid) >= -depth)
            a = mid;
        else
            b = mid;
    }
    return b;
}

/* One comparison's t tail at x (a lower bound of p for both distributions:
 * the range exceeds any single |difference|, the maximum any single |T|). */
static double p_lower_bound(const dist *d)
{
    double t = d->kind == DIST_TUKEY ? d->x * M_SQRT1_2 : d->x;
    return 2.0 * gsl_cdf_tdist_Q(t, d->nu);
}

static void chi_range(const dist *d, double *lo, double *hi)
{
    double nu = d->nu, mode = nu > 1.0 ? sqrt((nu - 1.0) / nu) : 0.0;
    double p0 = p_lower_bound(d), low_depth = LOG_TAIL + (p0 > 0.0 && p0 < 1.0 ? -log(p0) : 0.0);
    double far = mode + 1.0;
    if (!(p0 > 0.0))
        low_depth = 745.0;
    while (chi_log_rel(nu, mode, far) > -LOG_TAIL)
        far = mode + 2.0 * (far - mode);
    *hi = chi_cut(nu, mode, mode, far, LOG_TAIL);
    *lo = mode > 0.0 ? chi_cut(nu, mode, mode, 0.0, low_depth) : 0.0;
}

/* P(statistic > d->x) into *p. */
static int upper_tail(dist *d, double *p)
{
    gsl_integration_workspace *ws = NULL;
    gsl_function f = {outer_integrand, d};
    double res = GSL_NAN, err = 0.0, lo, hi;
    int rc = ZF_OK, st;

    d->gl = gsl_integration_glfixed_table_alloc(d->kind == DIST_TUKEY ? TUKEY_POINTS : DUNNETT_POINTS);
    if (d->kind == DIST_DUNNETT && (d->lam = malloc(3 * d->k * sizeof *d->lam)) != NULL) {
        /* Equal lambda (equal group sizes) share one factor, raised to its multiplicity. */
        d->sd = d->lam + d->k;
        d->mult = d->sd + d->k;
        for (size_t i = 0; i < d->k; i++) {
            size_t j = 0;
            while (j < d->nlam && d->lam[j] != d->lambda[i])
                j++;
            if (j == d->nlam) {
                d->lam[j] = d->lambda[i];
                d->sd[j] = sqrt((1.0 - d->lambda[i]) * (1.0 + d->lambda[i]));
                d->mult[j] = 0.0;
                d->nlam++;
            }
            d->mult[j] += 1.0;
        }
    }
    if (!d->gl || (d->kind == DIST_DUNNETT && !d->lam)) {
        rc = zf_error(ZF_ENOMEM, "out of memory for the quadrature nodes");
        goto done;
    }
    if (!(d->x > 0.0)) {
        res = 1.0;
        goto done;
    }
    if (d->nu > DF_INFINITE) {
        res = inner_upper(d, d->x);
        goto done;
    }
    d->lognorm = 0.5 * d->nu * log(0.5 * d->nu) + M_LN2 - gsl_sf_lngamma(0.5 * d->nu);
    chi_range(d, &lo, &hi);
    ws = gsl_integration_workspace_alloc(OUTER_LIMIT);
    if (!ws) {
        rc = zf_error(ZF_ENOMEM, "out of memory for the integration workspace");
        goto done;
    }
    st = gsl_integration_qag(&f, lo, hi, 0.0, OUTER_EPSREL, OUTER_LIMIT, GSL_INTEG_GAUSS61, ws, &res, &err);
    /* Round-off limits are accepted when the error estimate is still small. */
    if (st != GSL_SUCCESS && !(err <= 1e-9 * fabs(res) || err < 1e-300)) {
        rc = zf_error(ZF_ENUMERIC, "integration failed (%s): %g +- %g", gsl_strerror(st), res, err);
        goto done;
    }
done:
    gsl_integration_workspace_free(ws);
    gsl_integration_glfixed_table_free(d->gl);
    d->gl = NULL;
    free(d->lam);
    d->lam = d->sd = d->mult = NULL;
    d->nlam = 0;
    if (rc == ZF_OK)
        *p = fmin(1.0, fmax(0.0, res));
    return rc;
}

static int check_df(const char *what, double df)
{
    if (!(df >= 1.0))
        return zf_error(ZF_EINVAL, "%s: df = %g must be at least 1", what, df);
    return ZF_OK;
}

/* d set up for the studentized range of k means with df degrees of freedom; the df check names what. */
static int tukey_init(dist *d, const char *what, size_t k, double df)
{
    int rc;
    if ((rc = check_df(what, df)) != ZF_OK)
        return rc;
    memset(d, 0, sizeof *d);
    d->kind = DIST_TUKEY;
    d->k = k;
    d->nu = df;
    return ZF_OK;
}

/* The lower or upper tail probability of d at d->x into *p. */
static int tail_p(dist *d, int lower_tail, double *p)
{
    double up = GSL_NAN;
    int rc = upper_tail(d, &up);
    if (rc != ZF_OK)
        return rc;
    *p = lower_tail ? 1.0 - up : up;
    return ZF_OK;
}

int zf_ptukey(double q, size_t k, double df, int lower_tail, double *p)
{
    dist d;
    int rc;
    if (!p || k < 2 || isnan(q))
        return zf_error(ZF_EINVAL, "ptukey: need k >= 2, a q and an output");
    if ((rc = tukey_init(&d, "ptukey", k, df)) != ZF_OK)
        return rc;
    d.x = q;
    return tail_p(&d, lower_tail, p);
}

static int check_lambda(const char *what, size_t m, const double *lambda, double *lmax)
{
    *lmax = 0.0;
    if (m < 1 || !lambda)
        return zf_error(ZF_EINVAL, "%s: need at least one contrast", what);
    for (size_t i = 0; i < m; i++) {
        if (!(lambda[i] >= 0.0 && lambda[i] < 1.0))
            return zf_error(ZF_EINVAL, "%s: lambda[%zu] = %g is not in [0, 1)", what, i, lambda[i]);
        *lmax = fmax(*lmax, lambda[i]);
    }
    return ZF_OK;
}

/* d set up for Dunnett's distribution of m contrasts (their lambda[]) with df degrees of freedom;
 * the argument checks name what. */
static int dunnett_init(dist *d, const char *what, size_t m, const double *lambda, double df)
{
    int rc;
    memset(d, 0, sizeof *d);
    if ((rc = check_lambda(what, m, lambda, &d->lambda_max)) != ZF_OK || (rc = check_df(what, df)) != ZF_OK)
        return rc;
    d->kind = DIST_DUNNETT;
    d->k = m;
    d->lambda = lambda;
    d->nu = df;
    return ZF_OK;
}

int zf_pdunnett(double c, size_t m, const double *lambda, double df, int lower_tail, double *p)
{
    dist d;
    int rc;
    if (!p || isnan(c))
        return zf_error(ZF_EINVAL, "pdunnett: need a c and an output");
    if ((rc = dunnett_init(&d, "pdunnett", m, lambda, df)) != ZF_OK)
        return rc;
    d.x = c;
    return tail_p(&d, lower_tail, p);
}

/* ---- quantiles ---- */

/* Quantiles are pure functions of (kind, k, df, prob, lambda); a few recent ones
 * are remembered per thread, since a study asks for the same one for every
 * metric. */
#define MEMO_SLOTS 8
#define MEMO_LAMBDA 32
typedef struct memo_entry {
    int used, kind;
    size_t k;
    double nu, prob, x;
    double lambda[MEMO_LAMBDA];
} memo_entry;
static _Thread_local memo_entry memo[MEMO_SLOTS];
static _Thread_local size_t memo_next;

static int memo_match(const memo_entry *e, const dist *d, double prob)
{
    if (!e->used || e->kind != d->kind || e->k != d->k || e->nu != d->nu || e->prob != prob)
        return 0;
    if (d->kind == DIST_DUNNETT && memcmp(e->lambda, d->lambda, d->k * sizeof *d->lambda) != 0)
        return 0;
    return 1;
}

static int memo_usable(const dist *d)
{
    return d->kind == DIST_TUKEY || d->k <= MEMO_LAMBDA;
}

typedef struct root_par {
    dist *d;
    double alpha;
    int rc;
} root_par;

static double root_fn(double x, void *vp)
{
    root_par *r = vp;
    double up = GSL_NAN;
    if (r->rc != ZF_OK)
        return GSL_NAN;
    r->d->x = x;
    r->rc = upper_tail(r->d, &up);
    return up - r->alpha;
}

/* Solve P(statistic > x) = 1 - prob for x in the bracket [a, b] that the
 * Bonferroni inequality gives (a = one comparison's quantile, b = Bonferroni
 * over all comparisons); Brent's method to 1e-12. */
static int quantile(dist *d, double prob, double a, double b, double *x)
{
    gsl_root_fsolver *s = NULL;
    root_par rp = {d, 1.0 - prob, ZF_OK};
    gsl_function f = {root_fn, &rp};
    double fa, fb, lo, hi, r = GSL_NAN;
    int rc = ZF_OK;

    if (memo_usable(d))
        for (size_t i = 0; i < MEMO_SLOTS; i++)
            if (memo_match(&memo[i], d, prob)) {
                *x = memo[i].x;
                return ZF_OK;
            }
    if (b - a <= 1e-13 * b) {
        r = a; /* one comparison: the t quantile is exact */
        goto store;
    }
    lo = a * (1.0 - 1e-9);
    hi = b * (1.0 + 1e-9);
    fa = root_fn(lo, &rp);
    fb = root_fn(hi, &rp);
    for (int i = 0; rp.rc == ZF_OK && fb > 0.0 && i < 60; i++) {
        hi *= 1.5;
        fb = root_fn(hi, &rp);
    }
    if (rp.rc != ZF_OK) {
        rc = rp.rc;
        goto done;
    }
    if (!(fa >= 0.0 && fb <= 0.0)) {
        rc = zf_error(ZF_ENUMERIC, "quantile: no sign change in [%g, %g]", lo, hi);
        goto done;
    }
    if (fa == 0.0 || fb == 0.0) {
        r = fa == 0.0 ? lo : hi;
        goto store;
    }
    s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s) {
        rc = zf_error(ZF_ENOMEM, "quantile: out of memory for the root finder");
        goto done;
    }
    gsl_root_fsolver_set(s, &f, lo, hi);
    for (int it = 0; it < 200; it++) {
        if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS || rp.rc != ZF_OK)
            break;
        r = gsl_root_fsolver_root(s);
        lo = gsl_root_fsolver_x_lower(s);
        hi = gsl_root_fsolver_x_upper(s);
        if (gsl_root_test_interval(lo, hi, 0.0, 1e-12) == GSL_SUCCESS)
            break;
    }
    if (rp.rc != ZF_OK) {
        rc = rp.rc;
        goto done;
    }
    if (!(hi - lo <= 1e-11 * fabs(r) + 1e-300)) {
        rc = zf_error(ZF_ENUMERIC, "quantile: root finding did not converge");
        goto done;
    }
store:
    if (memo_usable(d)) {
        memo_entry *e = &memo[memo_next];
        memo_next = (memo_next + 1) % MEMO_SLOTS;
        memset(e, 0, sizeof *e);
        e->used = 1;
        e->kind = d->kind;
        e->k = d->k;
        e->nu = d->nu;
        e->prob = prob;
        e->x = r;
        if (d->kind == DIST_DUNNETT)
            memcpy(e->lambda, d->lambda, d->k * sizeof *d->lambda);
    }
    *x = r;
done:
    gsl_root_fsolver_free(s);
    return rc;
}

/* Upper alpha quantile of |T| with nu df (standard normal for infinite df). */
static double abs_t_quantile(double alpha, double nu)
{
    return nu > DF_INFINITE ? gsl_cdf_ugaussian_Qinv(0.5 * alpha) : gsl_cdf_tdist_Qinv(0.5 * alpha, nu);
}

int zf_qtukey(double prob, size_t k, double df, double *q)
{
    dist d;
    double alpha = 1.0 - prob, pairs;
    int rc;
    if (!q || k < 2 || !(prob > 0.0 && prob < 1.0))
        return zf_error(ZF_EINVAL, "qtukey: need k >= 2 and 0 < prob < 1");
    if ((rc = tukey_init(&d, "qtukey", k, df)) != ZF_OK)
        return rc;
    pairs = 0.5 * (double)k * (double)(k - 1);
    /* Q > q for the range iff some pair has |Z_i - Z_j| / s > q: the range of two
     * is sqrt(2) |T|, so one pair's quantile bounds q below, Bonferroni above. */
    return quantile(&d, prob, M_SQRT2 * abs_t_quantile(alpha, df),
                    M_SQRT2 * abs_t_quantile(alpha / pairs, df), q);
}

int zf_qdunnett(double prob, size_t m, const double *lambda, double df, double *c)
{
    dist d;
    double alpha = 1.0 - prob;
    int rc;
    if (!c || !(prob > 0.0 && prob < 1.0))
        return zf_error(ZF_EINVAL, "qdunnett: need 0 < prob < 1 and an output");
    if ((rc = dunnett_init(&d, "qdunnett", m, lambda, df)) != ZF_OK)
        return rc;
    return quantile(&d, prob, abs_t_quantile(alpha, df), abs_t_quantile(alpha / (double)m, df), c);
}
