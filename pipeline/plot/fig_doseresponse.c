/* fig_doseresponse.c: the `doseresponse` kind: every fish at its dose, means +/- SEM, the stats module's 4-parameter log-logistic fit with its 95% band and EC50, dose 0 on a broken log axis. */
#include "plot/plot_internal.h"

#include "zfstress/core.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AXIS_OFFSET 1.5
#define PT_R 0.55
#define PT_R_MIN 0.3
#define MEAN_HW 1.6  /* half width of a mean bar (mm) */
#define NCURVE 160
#define MAXDOSE 64

/* ---- the 4-parameter log-logistic model (drc's LL.4) ----------------------- */
/* f(x) = c + (d - c) / (1 + exp(b (ln x - ln e))); f(0) = d for b > 0. The
 * parameters are fitted as (b, c, d, ln e). */

typedef struct ll4 {
    double p[4];      /* b, c, d, ln e */
    double cov[4][4]; /* s^2 (J'J)^-1 */
    double df;        /* n - 4 */
    double ec50_low, ec50_high; /* the stats module's 95% CI of the EC50 */
    int ok;
    char why[128];
} ll4;

static double ll4_f(const double *p, double x, double *grad)
{
    double b = p[0], c = p[1], d = p[2], le = p[3];
    double g0 = 0.0, g1 = 0.0, g2 = 0.0, g3 = 0.0, f;
    if (!(x > 0.0)) {
        if (b > 0.0) {
            f = d;
            g2 = 1.0;
        } else {
            f = c;
            g1 = 1.0;
        }
    } else {
        double z = b * (log(x) - le);
        if (z > 700.0) {
            f = c;
            g1 = 1.0;
        } else {
            double E = exp(z), D = 1.0 + E;
            f = c + (d - c) / D;
            g1 = E / D;
            g2 = 1.0 / D;
            g0 = -(d - c) * E * (log(x) - le) / (D * D);
            g3 = (d - c) * E * b / (D * D);
        }
    }
    if (grad) {
        grad[0] = g0;
        grad[1] = g1;
        grad[2] = g2;
        grad[3] = g3;
    }
    return f;
}

/* The curve's parameters from zf_fit_loglogistic (the numbers of the stats
 * table) and their covariance rse^2 (J'J)^-1 at them, for the band. */
static int ll4_from_stats(const double *x, const double *y, size_t n, ll4 *out)
{
    int rc = ZF_OK;
    zf_loglogistic fit;
    gsl_matrix *jtj = NULL;
    memset(out, 0, sizeof *out);
    if ((rc = zf_fit_loglogistic(x, y, n, 4, &fit)) != ZF_OK)
        return rc;
    if (!(isfinite(fit.b) && isfinite(fit.c) && isfinite(fit.d) && fit.e > 0.0 && isfinite(fit.rse) &&
          fit.df >= 1.0)) {
        snprintf(out->why, sizeof out->why, "%s", fit.note[0] ? fit.note : "the fit did not converge");
        return ZF_OK;
    }
    out->p[0] = fit.b;
    out->p[1] = fit.c;
    out->p[2] = fit.d;
    out->p[3] = log(fit.e);
    out->df = fit.df;
    out->ec50_low = fit.ec50_low;
    out->ec50_high = fit.ec50_high;
    if (!(jtj = gsl_matrix_calloc(4, 4)))
        return zf_error(ZF_ENOMEM, "out of memory");
    double g[4];
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]) || isnan(y[i]))
            continue;
        ll4_f(out->p, x[i], g);
        for (size_t a = 0; a < 4; a++)
            for (size_t b = 0; b < 4; b++)
                gsl_matrix_set(jtj, a, b, gsl_matrix_get(jtj, a, b) + g[a] * g[b]);
    }
    if (gsl_linalg_cholesky_decomp1(jtj) != GSL_SUCCESS || gsl_linalg_cholesky_invert(jtj) != GSL_SUCCESS) {
        snprintf(out->why, sizeof out->why, "the parameters are not identifiable from these doses");
        goto done;
    }
    int ok = 1;
    for (size_t a = 0; a < 4; a++)
        for (size_t b = 0; b < 4; b++) {
            out->cov[a][b] = fit.rse * fit.rse * gsl_matrix_get(jtj, a, b);
            ok &= isfinite(out->cov[a][b]) != 0;
        }
    if (!ok)
        snprintf(out->why, sizeof out->why, "the parameters are not identifiable from these doses");
    out->ok = ok;
done:
    gsl_matrix_free(jtj);
    return rc;
}

/* Standard error of the fitted curve at x (delta method). */
static double ll4_se(const ll4 *m, double x)
{
    double g[4], v = 0.0;
    ll4_f(m->p, x, g);
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 4; j++)
            v += g[i] * m->cov[i][j] * g[j];
    return v > 0.0 ? sqrt(v) : 0.0;
}

/* Fritsch-Carlson monotone cubic through (xs, ys) (xs ascending), at x. */
static double monotone_at(const double *xs, const double *ys, size_t n, double x)
{
    if (n == 1)
        return ys[0];
    size_t k = 0;
    while (k + 2 < n && x > xs[k + 1])
        k++;
    double m[MAXDOSE], dk[MAXDOSE];
    for (size_t i = 0; i + 1 < n; i++)
        dk[i] = (ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]);
    m[0] = dk[0];
    m[n - 1] = dk[n - 2];
    for (size_t i = 1; i + 1 < n; i++)
        m[i] = dk[i - 1] * dk[i] <= 0.0 ? 0.0 : (dk[i - 1] + dk[i]) / 2.0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (dk[i] == 0.0) {
            m[i] = m[i + 1] = 0.0;
            continue;
        }
        double a = m[i] / dk[i], b = m[i + 1] / dk[i], s = a * a + b * b;
        if (s > 9.0) {
            double t = 3.0 / sqrt(s);
            m[i] = t * a * dk[i];
            m[i + 1] = t * b * dk[i];
        }
    }
    double h = xs[k + 1] - xs[k], t = (x - xs[k]) / h;
    double h00 = (1 + 2 * t) * (1 - t) * (1 - t), h10 = t * (1 - t) * (1 - t), h01 = t * t * (3 - 2 * t),
           h11 = t * t * (t - 1);
    return h00 * ys[k] + h10 * h * m[k] + h01 * ys[k + 1] + h11 * h * m[k + 1];
}

/* ---- the figure ------------------------------------------------------------ */

typedef struct dose_level {
    double dose;
    size_t n;
    double mean, sem;
    double *u, *xo;   /* swarm: heights (mm) and offsets of its fish */
    size_t *subj;
    double *v;        /* sorted values */
} dose_level;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct vsub {
    double v;
    size_t i;
} vsub;

static int cmp_vsub(const void *a, const void *b)
{
    const vsub *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* The unit in the last parentheses of a label ("ketamine (mg/L)" -> "mg/L"). */
static void unit_of(const char *label, char *buf, size_t size)
{
    buf[0] = '\0';
    const char *o = label ? strrchr(label, '(') : NULL, *c = o ? strchr(o, ')') : NULL;
    if (o && c && c > o + 1)
        snprintf(buf, size, "%.*s", (int)(c - o - 1), o + 1);
}

int zf_draw_doseresponse(zf_fig *f, const zf_figure_spec *spec, double x, double y, double w, double h)
{
    int rc = ZF_OK;
    cairo_t *cr = f->cr;
    const zf_plot_source *src = f->src;
    zf_plot_series s;
    size_t *lev = NULL, nl = 0, nd = 0, nfit = 0, nodose = 0;
    dose_level D[MAXDOSE];
    double *fx = NULL, *fy = NULL, *udose = NULL;
    vsub *tmp = NULL;
    memset(&s, 0, sizeof s);
    memset(D, 0, sizeof D);
    if (!src->dose) {
        rc = zf_error(ZF_EINVAL, "dose-response: the sample sheet has no dose column (plot.dose.column)");
        goto done;
    }
    if ((rc = zf_fig_metric(f, spec->metrics[0], &s)) != ZF_OK || (rc = zf_fig_levels(f, spec, &lev, &nl)) != ZF_OK)
        goto done;
    size_t ns = src->nsubjects;
    fx = malloc((ns + 1) * sizeof *fx);
    fy = malloc((ns + 1) * sizeof *fy);
    udose = malloc((ns + 1) * sizeof *udose);
    tmp = malloc((ns + 1) * sizeof *tmp);
    if (!fx || !fy || !udose || !tmp) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    /* the fish of the figure's groups with a dose and a value */
    size_t nu = 0;
    for (size_t i = 0; i < ns; i++) {
        size_t g = 0;
        while (g < nl && lev[g] != src->group[i])
            g++;
        if (g == nl)
            continue;
        if (!isfinite(src->dose[i])) {
            nodose++;
            continue;
        }
        if (!isfinite(s.v[i]))
            continue;
        fx[nfit] = src->dose[i];
        fy[nfit++] = s.v[i];
        udose[nu++] = src->dose[i];
    }
    qsort(udose, nu, sizeof *udose, cmp_double);
    for (size_t i = 0; i < nu; i++)
        if (nd == 0 || udose[i] != D[nd - 1].dose) {
            if (nd == MAXDOSE) {
                rc = zf_error(ZF_EINVAL, "dose-response: more than %d doses", MAXDOSE);
                goto done;
            }
            D[nd++].dose = udose[i];
        }
    size_t has_zero = nd && D[0].dose == 0.0 ? 1 : 0;
    size_t npos = nd - has_zero;
    if (npos < 2) {
        rc = zf_error(ZF_EINVAL, "dose-response: needs at least two positive doses (found %zu)", npos);
        goto done;
    }
    for (size_t k = 0; k < nd; k++) {
        dose_level *L = &D[k];
        size_t m = 0;
        for (size_t i = 0; i < nfit; i++)
            if (fx[i] == L->dose)
                m++;
        L->u = malloc((m + 1) * sizeof *L->u);
        L->xo = malloc((m + 1) * sizeof *L->xo);
        L->subj = malloc((m + 1) * sizeof *L->subj);
        L->v = malloc((m + 1) * sizeof *L->v);
        if (!L->u || !L->xo || !L->subj || !L->v) {
            rc = zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
        m = 0;
        for (size_t i = 0; i < ns; i++) {
            size_t g = 0;
            while (g < nl && lev[g] != src->group[i])
                g++;
            if (g < nl && src->dose[i] == L->dose && isfinite(s.v[i]))
                tmp[m++] = (vsub){s.v[i], i};
        }
        qsort(tmp, m, sizeof *tmp, cmp_vsub);
        double sum = 0.0, ss = 0.0;
        for (size_t j = 0; j < m; j++) {
            L->v[j] = tmp[j].v;
            L->subj[j] = tmp[j].i;
            sum += tmp[j].v;
        }
        L->n = m;
        L->mean = sum / (double)m;
        for (size_t j = 0; j < m; j++)
            ss += (L->v[j] - L->mean) * (L->v[j] - L->mean);
        L->sem = m > 1 ? sqrt(ss / (double)(m - 1) / (double)m) : NAN;
    }

    /* the fit: the stats module's */
    ll4 fit;
    if ((rc = ll4_from_stats(fx, fy, nfit, &fit)) != ZF_OK)
        goto done;
    double tq = fit.ok ? zf_t975(fit.df) : NAN;
    /* a fit that cannot place its EC50 (too few doses on the slope, or no
     * plateau within them) is no model to draw: say so and draw the means */
    if (fit.ok) {
        if (!(fit.ec50_high / fit.ec50_low < 100.0) || !(fabs(fit.p[0]) < 20.0)) {
            fit.ok = 0;
            snprintf(fit.why, sizeof fit.why,
                     "EC50 %.3g not identifiable from %zu doses: 95%% CI wider than 10-fold", exp(fit.p[3]), nd);
        }
    }
    double ec50 = fit.ok ? exp(fit.p[3]) : NAN;
    double dlo = D[has_zero].dose, dhi = D[nd - 1].dose;
    int ec50_in = fit.ok && ec50 >= dlo && ec50 <= dhi;

    /* axes: log dose (with 0 on its own segment), linear response */
    zf_axis ax, ay;
    if ((rc = zf_axis_logscale(&ax, dlo, dhi)) != ZF_OK)
        goto done;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < nfit; i++) {
        lo = fmin(lo, fy[i]);
        hi = fmax(hi, fy[i]);
    }
    if (fit.ok) {
        /* the band may run far outside the data where the fit is unsure: the
         * axis follows it at most half a data range beyond the fish */
        double span = hi > lo ? hi - lo : fabs(hi) + 1.0, blo = lo, bhi = hi;
        for (int j = 0; j < NCURVE; j++) {
            double lx = ax.t.lo + (ax.t.hi - ax.t.lo) * (double)j / (NCURVE - 1), xv = pow(10.0, lx);
            double fv = ll4_f(fit.p, xv, NULL), se = ll4_se(&fit, xv);
            blo = fmin(blo, fv - tq * se);
            bhi = fmax(bhi, fv + tq * se);
        }
        lo = fmax(blo, lo - 0.5 * span);
        hi = fmin(bhi, hi + 0.5 * span);
    }
    if ((rc = zf_axis_linear(&ay, lo, hi, 5)) != ZF_OK)
        goto done;

    char unit[48], caption[768], ylabel[160], ec[160] = "";
    unit_of(src->dose_label, unit, sizeof unit);
    zf_series_axis_label(&s, ylabel, sizeof ylabel);
    if (fit.ok)
        snprintf(ec, sizeof ec, "EC50 = %.3g%s%s (95%% CI %.3g\xe2\x80\x93%.3g)", ec50, unit[0] ? " " : "", unit,
                 fit.ec50_low, fit.ec50_high);
    size_t at = (size_t)snprintf(caption, sizeof caption, "points: every fish (%zu), coloured by group; bars: mean %s SEM per dose",
                                 nfit, "\xc2\xb1");
    if (fit.ok)
        at += (size_t)snprintf(caption + at, sizeof caption - at,
                               "; line: 4-parameter log-logistic fit (least squares over all fish), band: "
                               "pointwise 95%% CI (delta method); %s%s",
                               ec, ec50_in ? "" : " \xe2\x80\x94 outside the doses tested, not marked");
    else
        at += (size_t)snprintf(caption + at, sizeof caption - at,
                               "; no 4-parameter log-logistic fit (%s); dashed: monotone interpolation of the means, "
                               "not a fitted model",
                               fit.why);
    if (nodose && at < sizeof caption)
        snprintf(caption + at, sizeof caption - at, "; %zu fish without a dose left out", nodose);

    const char *title = spec->title ? spec->title : s.title;
    double top = zf_fig_title(f, title, x, y, w, 1);
    double cap = zf_fig_caption(f, caption, x, y, w, h, 1);
    zf_canvas_font(cr, ZF_TICK_PT, 0);
    double tickw = zf_axis_label_width(cr, &ay), tick_h = zf_canvas_font_height(cr);
    zf_canvas_font(cr, ZF_LABEL_PT, 0);
    double lab_h = zf_canvas_font_height(cr);
    double xaxis = x + ZF_MARGIN + lab_h + 0.8 + tickw + 0.8 + ZF_TICK_LEN;
    double px0 = xaxis + AXIS_OFFSET, px1 = x + w - ZF_MARGIN - 2.0;
    double brk = has_zero ? 7.0 : 0.0; /* room of the dose-0 segment */
    double yx = cap - 1.0 - lab_h - 0.6 - tick_h - 0.5 - ZF_TICK_LEN;
    double py_bot = yx - AXIS_OFFSET, py_top = top + (fit.ok && ec50_in ? 3.5 : 1.0);
    if (px1 - px0 - brk < 20.0 || py_bot - py_top < 15.0) {
        rc = zf_error(ZF_EINVAL, "dose-response: %.0f x %.0f mm is too small", w, h);
        goto done;
    }
    zf_axis_place(&ay, py_bot, py_top);
    /* half a decade of padding inside the log axis keeps the end swarms off its ends */
    zf_axis_place(&ax, px0 + brk + 3.0, px1 - 3.0);
    if (has_zero) {
        ax.broken = 1;
        ax.brk_value = 0.0;
        ax.brk_pos = px0 + 2.0;
    }
    /* stretch the log axis line to the padded ends */
    zf_axis axl = ax;
    zf_axis_draw_left(cr, &ay, xaxis);
    zf_axis_draw_bottom(cr, &axl, yx);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_SQUARE);
    zf_canvas_line(cr, px0 + brk, yx, ax.p0, yx, ZF_AXIS_LW_PT);
    zf_canvas_line(cr, ax.p1, yx, px1, yx, ZF_AXIS_LW_PT);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    zf_fig_ylabel(f, x + ZF_MARGIN, (py_top + py_bot) / 2.0, ylabel, py_bot - py_top + 4.0);
    zf_canvas_font(cr, ZF_LABEL_PT, 0);
    zf_canvas_text(cr, (px0 + px1) / 2.0, yx + ZF_TICK_LEN + 0.5 + tick_h + 0.6,
                   src->dose_label && src->dose_label[0] ? src->dose_label : "dose", 0.5, ZF_VALIGN_TOP);
    zf_fig_mark(f, ZF_MARK_DATA, 0, 0, px0, py_top, px1 - px0, py_bot - py_top, ay.v0, ay.v1);

    /* band and curve (under the points) */
    double curve_x[NCURVE], curve_y[NCURVE], band_lo[NCURVE], band_hi[NCURVE];
    double l0 = log10(dlo) - 0.25, l1 = log10(dhi) + 0.25;
    l0 = fmax(l0, ax.t.lo);
    l1 = fmin(l1, ax.t.hi);
    for (int j = 0; j < NCURVE; j++) {
        double xv = pow(10.0, l0 + (l1 - l0) * (double)j / (NCURVE - 1));
        curve_x[j] = zf_axis_pos(&ax, xv);
        if (fit.ok) {
            double fv = ll4_f(fit.p, xv, NULL), se = ll4_se(&fit, xv);
            curve_y[j] = zf_axis_pos(&ay, fv);
            band_lo[j] = zf_axis_pos(&ay, fmax(fv - tq * se, ay.v0));
            band_hi[j] = zf_axis_pos(&ay, fmin(fv + tq * se, ay.v1));
        }
    }
    cairo_save(cr);
    cairo_rectangle(cr, px0 + brk, py_top - 0.5, px1 - px0 - brk, py_bot - py_top + 1.0);
    cairo_clip(cr);
    if (fit.ok) {
        cairo_new_path(cr);
        for (int j = 0; j < NCURVE; j++)
            cairo_line_to(cr, curve_x[j], band_hi[j]);
        for (int j = NCURVE; j-- > 0;)
            cairo_line_to(cr, curve_x[j], band_lo[j]);
        cairo_close_path(cr);
        zf_canvas_rgba(cr, 0x000000, 0.12);
        cairo_fill(cr);
        cairo_new_path(cr);
        for (int j = 0; j < NCURVE; j++)
            cairo_line_to(cr, curve_x[j], curve_y[j]);
        zf_canvas_rgb(cr, 0x000000);
        cairo_set_line_width(cr, 1.0 * ZF_MM_PER_PT);
        cairo_stroke(cr);
        if (ec50_in) {
            static const double dash[2] = {0.8, 0.6};
            double ex = zf_axis_pos(&ax, ec50), ey = zf_axis_pos(&ay, ll4_f(fit.p, ec50, NULL));
            cairo_save(cr);
            cairo_set_dash(cr, dash, 2, 0.0);
            zf_canvas_line(cr, ex, py_bot + AXIS_OFFSET, ex, ey, 0.6);
            cairo_restore(cr);
            zf_fig_mark(f, ZF_MARK_EC50, 0, 0, ex, ey, 0.0, 0.0, ec50, ec50);
        }
    } else {
        /* the means joined by a monotone curve in log dose: no model */
        double lx[MAXDOSE], my[MAXDOSE];
        for (size_t k = has_zero; k < nd; k++) {
            lx[k - has_zero] = log10(D[k].dose);
            my[k - has_zero] = D[k].mean;
        }
        static const double dash[2] = {1.2, 0.8};
        cairo_save(cr);
        cairo_set_dash(cr, dash, 2, 0.0);
        cairo_new_path(cr);
        for (int j = 0; j < NCURVE; j++) {
            double l = lx[0] + (lx[npos - 1] - lx[0]) * (double)j / (NCURVE - 1);
            cairo_line_to(cr, zf_axis_pos(&ax, pow(10.0, l)), zf_axis_pos(&ay, monotone_at(lx, my, npos, l)));
        }
        zf_canvas_rgb(cr, 0x000000);
        cairo_set_line_width(cr, 0.8 * ZF_MM_PER_PT);
        cairo_stroke(cr);
        cairo_restore(cr);
    }
    cairo_restore(cr);

    /* every fish, swarmed sideways at its dose; then the means */
    double minsep = INFINITY;
    for (size_t k = 0; k + 1 < nd; k++)
        minsep = fmin(minsep, zf_axis_pos(&ax, D[k + 1].dose) - zf_axis_pos(&ax, D[k].dose));
    double half = fmin(0.45 * minsep, 5.0), r = PT_R;
    int fits = 1;
    {
        double *u[MAXDOSE], *xo[MAXDOSE];
        size_t n[MAXDOSE];
        for (size_t k = 0; k < nd; k++) {
            for (size_t j = 0; j < D[k].n; j++)
                D[k].u[j] = (D[k].v[j] - ay.v0) / (ay.v1 - ay.v0) * (py_bot - py_top);
            u[k] = D[k].u;
            xo[k] = D[k].xo;
            n[k] = D[k].n;
        }
        if ((rc = zf_swarm_fit(u, n, nd, half, PT_R, PT_R_MIN, xo, &r, &fits)) != ZF_OK)
            goto done;
    }
    for (size_t k = 0; k < nd; k++) {
        double cx = zf_axis_pos(&ax, D[k].dose);
        for (size_t j = 0; j < D[k].n; j++) {
            size_t subj = D[k].subj[j];
            double px = cx + D[k].xo[j], py = py_bot - D[k].u[j];
            zf_canvas_point(cr, px, py, r, src->levels[src->group[subj]].rgb);
            zf_fig_mark(f, ZF_MARK_POINT, src->group[subj], subj, px, py, r, 0.0, D[k].v[j], D[k].v[j]);
        }
        double my = zf_axis_pos(&ay, D[k].mean);
        zf_canvas_rgb(cr, 0x000000);
        if (isfinite(D[k].sem))
            zf_canvas_line(cr, cx, zf_axis_pos(&ay, D[k].mean - D[k].sem), cx, zf_axis_pos(&ay, D[k].mean + D[k].sem), 0.9);
        zf_canvas_line(cr, cx - MEAN_HW, my, cx + MEAN_HW, my, 1.6);
        zf_fig_mark(f, ZF_MARK_MEAN, 0, k, cx, my, 0.0, 0.0, D[k].mean, D[k].mean);
    }
    if (!fits)
        zf_log(ZF_LOG_WARN, "dose-response '%s': swarms wider than the space between doses", s.label ? s.label : "");
    if (fit.ok && ec50_in) {
        zf_canvas_font(cr, ZF_TICK_PT, 0);
        zf_canvas_rgb(cr, ZF_INK);
        zf_canvas_text(cr, px0 + brk + 1.0, top, ec, 0.0, ZF_VALIGN_TOP);
    }
    zf_fig_procedure(f, "dose-response %s: %s", spec->metrics[0],
                     fit.ok ? "4-parameter log-logistic fit (zf_fit_loglogistic), delta-method 95% band"
                            : "no fit; monotone interpolation of the means");
done:
    for (size_t k = 0; k < nd; k++) {
        free(D[k].u);
        free(D[k].xo);
        free(D[k].subj);
        free(D[k].v);
    }
    free(fx);
    free(fy);
    free(udose);
    free(tmp);
    free(lev);
    zf_plot_series_free(&s);
    return rc;
}
