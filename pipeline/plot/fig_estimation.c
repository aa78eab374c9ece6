/* fig_estimation.c: the `estimation` kind: Gardner-Altman (two groups) and Cumming (more) plots: every fish, mean +/- SD, and each effect vs the reference group with its bootstrap distribution (half violin) and BCa 95% CI. */
#include "plot/plot_internal.h"

#include "zfstress/core.h"
#include "zfstress/stats.h"

#include <gsl/gsl_statistics_double.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PT_R 0.65        /* point radius (mm) */
#define PT_R_MIN 0.3
#define GAP_LW_PT 1.0    /* mean +/- SD line */
#define DOT_R 0.75       /* effect dot */
#define CI_LW_PT 1.3
#define AXIS_OFFSET 1.5  /* axes stand apart from the data */
#define NAME_PT 7.0
#define N_PT 6.5
#define NGRID 96         /* half-violin outline points */
#define NBIN 256         /* bins of the bootstrap values behind the density */

typedef struct est_group {
    size_t level;
    zf_gvals gv;
    double *u, *x;      /* swarm: height above the axis bottom (mm) and offset */
    zf_boot_dist bd;    /* effect vs the reference group (groups 1..) */
    int has_effect;
    double dens[NGRID]; /* half violin, scaled to a maximum of 1 */
    double dlo, dhi;    /* its extent (effect units) */
} est_group;

typedef struct est {
    zf_fig *f;
    const zf_figure_spec *spec;
    zf_plot_series s;
    int effect;
    size_t ng;
    est_group *g;
    int gardner;        /* two groups: Gardner-Altman, else Cumming */
    int aligned;        /* GA with a difference in the data's units: the effect axis shares the scale */
    zf_axis ay, ae;     /* data and effect axes */
    double r;           /* swarm point radius */
    int squeezed, spill;
    double cell_x;      /* left edge of the cell */
    char ylabel[160], elabel[160], caption[768];
} est;

static const char *effect_text(int effect)
{
    return effect == ZF_EFFECT_MEDIAN_DIFF ? "median difference"
         : effect == ZF_EFFECT_HEDGES_G  ? "Hedges' g"
         : effect == ZF_EFFECT_COHENS_D  ? "Cohen's d"
                                         : "mean difference";
}

/* Standardised effects have no unit and no place on the data's scale. */
static int standardised(int effect)
{
    return effect == ZF_EFFECT_HEDGES_G || effect == ZF_EFFECT_COHENS_D;
}

/* Gaussian kernel density of the sorted bootstrap values on NGRID points
 * between their extremes (Silverman's bandwidth; values binned first so the
 * cost does not grow with the number of resamples). */
static void half_violin(est_group *g)
{
    const double *b = g->bd.boot;
    size_t n = g->bd.n;
    double lo = b[0], hi = b[n - 1];
    if (!(hi - lo > 1e-12 * fmax(1.0, fabs(lo)))) {
        /* every resample the same (no spread in the data): no curve, the dot says it all */
        g->dlo = g->dhi = lo;
        memset(g->dens, 0, sizeof g->dens);
        return;
    }
    double sd = gsl_stats_sd(b, 1, n);
    double iqr = gsl_stats_quantile_from_sorted_data(b, 1, n, 0.75) -
                 gsl_stats_quantile_from_sorted_data(b, 1, n, 0.25);
    double s = iqr > 0.0 ? fmin(sd, iqr / 1.34) : sd;
    double h = 0.9 * s * pow((double)n, -0.2);
    if (!(h > 0.0))
        h = (hi - lo) / 20.0;
    double counts[NBIN] = {0}, bw = (hi - lo) / NBIN;
    for (size_t i = 0; i < n; i++) {
        long k = lround(floor((b[i] - lo) / bw));
        counts[k < 0 ? 0 : k >= NBIN ? NBIN - 1 : k] += 1.0;
    }
    double mx = 0.0;
    for (int j = 0; j < NGRID; j++) {
        double t = lo + (hi - lo) * (double)j / (NGRID - 1), d = 0.0;
        for (int k = 0; k < NBIN; k++) {
            if (counts[k] == 0.0)
                continue;
            double z = (t - (lo + ((double)k + 0.5) * bw)) / h;
            if (fabs(z) < 6.0)
                d += counts[k] * exp(-0.5 * z * z);
        }
        g->dens[j] = d;
        mx = fmax(mx, d);
    }
    for (int j = 0; j < NGRID; j++)
        g->dens[j] = mx > 0.0 ? g->dens[j] / mx : 0.0;
    g->dlo = lo;
    g->dhi = hi;
}

static void est_free(est *E)
{
    for (size_t i = 0; E->g && i < E->ng; i++) {
        zf_gvals_free(&E->g[i].gv);
        zf_boot_dist_free(&E->g[i].bd);
        free(E->g[i].u);
        free(E->g[i].x);
    }
    free(E->g);
    zf_plot_series_free(&E->s);
}

/* Values, effects and axis ranges. */
static int est_data(est *E)
{
    zf_fig *f = E->f;
    const zf_plot_source *src = f->src;
    size_t *lev = NULL;
    int rc = zf_fig_levels(f, E->spec, &lev, &E->ng);
    if (rc != ZF_OK)
        return rc;
    if (E->ng < 2) {
        free(lev);
        return zf_error(ZF_EINVAL, "estimation plot: needs at least two groups");
    }
    if (!(E->g = calloc(E->ng, sizeof *E->g))) {
        free(lev);
        return zf_error(ZF_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < E->ng; i++)
        E->g[i].level = lev[i];
    free(lev);
    for (size_t i = 0; i < E->ng && rc == ZF_OK; i++) {
        est_group *g = &E->g[i];
        if ((rc = zf_gvals_build(src, E->s.v, g->level, &g->gv)) != ZF_OK)
            break;
        g->u = malloc((g->gv.n + 1) * sizeof *g->u);
        g->x = malloc((g->gv.n + 1) * sizeof *g->x);
        if (!g->u || !g->x) {
            rc = zf_error(ZF_ENOMEM, "out of memory");
            break;
        }
        if (i == 0)
            continue;
        /* the stats module's bootstrap, seeded as the study's stats */
        rc = zf_bootstrap_effect(g->gv.raw, g->gv.nraw, E->g[0].gv.raw, E->g[0].gv.nraw, E->effect,
                                 src->nboot ? src->nboot : 5000, src->seed, &g->bd);
        if (rc == ZF_OK && g->bd.n >= 2 && isfinite(g->bd.estimate)) {
            g->has_effect = 1;
            half_violin(g);
        }
    }
    return rc;
}

static int est_axes(est *E)
{
    double lo = INFINITY, hi = -INFINITY, elo = 0.0, ehi = 0.0;
    for (size_t i = 0; i < E->ng; i++) {
        const est_group *g = &E->g[i];
        if (g->gv.n) {
            lo = fmin(lo, g->gv.v[0]);
            hi = fmax(hi, g->gv.v[g->gv.n - 1]);
        }
        if (isfinite(g->gv.sd)) {
            lo = fmin(lo, g->gv.mean - g->gv.sd);
            hi = fmax(hi, g->gv.mean + g->gv.sd);
        }
        if (g->has_effect) {
            elo = fmin(elo, fmin(g->dlo, g->bd.estimate));
            ehi = fmax(ehi, fmax(g->dhi, g->bd.estimate));
            if (isfinite(g->bd.ci_low)) {
                elo = fmin(elo, g->bd.ci_low);
                ehi = fmax(ehi, g->bd.ci_high);
            }
        }
    }
    if (!(lo <= hi)) {
        lo = 0.0;
        hi = 1.0;
    }
    /* Gardner-Altman with a difference in data units: 0 of the effect axis
     * sits at the reference group's mean (median), on the data's scale */
    E->aligned = E->gardner && !standardised(E->effect) && E->g[1].has_effect;
    double ref = E->effect == ZF_EFFECT_MEDIAN_DIFF ? E->g[0].gv.median : E->g[0].gv.mean;
    if (E->aligned && isfinite(ref)) {
        lo = fmin(lo, ref + elo);
        hi = fmax(hi, ref + ehi);
    } else {
        E->aligned = 0;
    }
    int rc = zf_axis_linear(&E->ay, lo, hi, 5);
    /* effects that are all (nearly) zero still get an axis on a readable scale:
     * a tenth of the data axis, or +/-1 for standardised effects */
    double floor_span = standardised(E->effect) ? 1.0 : 0.1 * (E->ay.v1 - E->ay.v0);
    if (ehi - elo < 1e-6 * floor_span) {
        double mid = (elo + ehi) / 2.0;
        elo = fmin(elo, mid - floor_span / 2.0);
        ehi = fmax(ehi, mid + floor_span / 2.0);
    }
    if (rc == ZF_OK)
        rc = zf_axis_linear(&E->ae, elo, ehi, E->gardner ? 5 : 4);
    return rc;
}

static void est_caption(est *E)
{
    const zf_plot_source *src = E->f->src;
    char ref[96];
    snprintf(ref, sizeof ref, "%s", zf_level_label(src, E->g[0].level));
    size_t at = (size_t)snprintf(E->caption, sizeof E->caption,
                                 "points: every fish (n under each group); gapped lines: mean %s SD; %s: %s vs %s "
                                 "(dot) with its bootstrap distribution (curve) and BCa 95%% CI (bar), %zu resamples, seed %lu",
                                 "\xc2\xb1", E->gardner ? "right axis" : "below", effect_text(E->effect), ref,
                                 src->nboot ? src->nboot : (size_t)5000, src->seed);
    if (standardised(E->effect) && at < sizeof E->caption)
        at += (size_t)snprintf(E->caption + at, sizeof E->caption - at, "; %s",
                               E->effect == ZF_EFFECT_HEDGES_G ? "g: difference / pooled SD, small-sample corrected"
                                                               : "d: difference / pooled SD");
    for (size_t i = 1; i < E->ng && at < sizeof E->caption; i++)
        if (!E->g[i].has_effect)
            at += (size_t)snprintf(E->caption + at, sizeof E->caption - at, "; no effect for %s (%s)",
                                   zf_level_label(src, E->g[i].level),
                                   E->g[i].bd.note[0] ? E->g[i].bd.note : "no data");
    if (E->squeezed && at < sizeof E->caption)
        at += (size_t)snprintf(E->caption + at, sizeof E->caption - at, "; points shrunk to %.2f mm to fit",
                               E->r);
    if (E->spill && at < sizeof E->caption)
        snprintf(E->caption + at, sizeof E->caption - at, "; crowded swarms are wider than their columns");
}

/* Largest size <= pt (steps of 0.5, down to 5) at which s fits width. */
static double fit_pt(cairo_t *cr, const char *s, double pt, double width)
{
    for (; pt > 5.0; pt -= 0.5) {
        zf_canvas_font(cr, pt, 0);
        if (zf_canvas_text_width(cr, s) <= width)
            return pt;
    }
    return 5.0;
}

/* The gapped mean +/- SD line of group g at x. */
static void gapped_line(cairo_t *cr, const zf_axis *ay, const est_group *g, double x)
{
    if (!isfinite(g->gv.mean))
        return;
    double ym = zf_axis_pos(ay, g->gv.mean), gap = 0.7;
    zf_canvas_rgb(cr, ZF_INK);
    if (isfinite(g->gv.sd) && g->gv.sd > 0.0) {
        double ylo = zf_axis_pos(ay, g->gv.mean - g->gv.sd), yhi = zf_axis_pos(ay, g->gv.mean + g->gv.sd);
        if (ylo - ym > gap)
            zf_canvas_line(cr, x, ym + gap, x, ylo, GAP_LW_PT);
        if (ym - yhi > gap)
            zf_canvas_line(cr, x, ym - gap, x, yhi, GAP_LW_PT);
    }
    cairo_new_path(cr);
    cairo_arc(cr, x, ym, 0.35, 0.0, 2.0 * ZF_PI);
    cairo_fill(cr);
}

/* The half violin (to the right of x), the effect dot and its CI. */
static void effect_mark(zf_fig *f, const est_group *g, const zf_axis *ae, double x, double width, uint32_t rgb)
{
    cairo_t *cr = f->cr;
    cairo_new_path(cr);
    if (g->dhi > g->dlo) {
        cairo_move_to(cr, x, zf_axis_pos(ae, g->dlo));
        for (int j = 0; j < NGRID; j++) {
            double v = g->dlo + (g->dhi - g->dlo) * (double)j / (NGRID - 1);
            cairo_line_to(cr, x + width * g->dens[j], zf_axis_pos(ae, v));
        }
        cairo_line_to(cr, x, zf_axis_pos(ae, g->dhi));
        cairo_close_path(cr);
        zf_canvas_rgb(cr, zf_rgb_lighten(rgb, 0.45));
        cairo_fill_preserve(cr);
        zf_canvas_rgb(cr, zf_rgb_darken(rgb, 0.75));
        cairo_set_line_width(cr, 0.3 * ZF_MM_PER_PT);
        cairo_stroke(cr);
    }
    zf_canvas_rgb(cr, 0x000000);
    if (isfinite(g->bd.ci_low))
        zf_canvas_line(cr, x, zf_axis_pos(ae, g->bd.ci_low), x, zf_axis_pos(ae, g->bd.ci_high), CI_LW_PT);
    double ye = zf_axis_pos(ae, g->bd.estimate);
    cairo_new_path(cr);
    cairo_arc(cr, x, ye, DOT_R, 0.0, 2.0 * ZF_PI);
    cairo_fill(cr);
    zf_fig_mark(f, ZF_MARK_EFFECT, g->level, 0, x, ye, DOT_R, 0.0, g->bd.estimate, g->bd.estimate);
}

static void dashed(cairo_t *cr, double x0, double y0, double x1, double y1, uint32_t rgb)
{
    static const double dash[2] = {0.8, 0.6};
    cairo_save(cr);
    cairo_set_dash(cr, dash, 2, 0.0);
    zf_canvas_rgb(cr, rgb);
    zf_canvas_line(cr, x0, y0, x1, y1, 0.5);
    cairo_restore(cr);
}

/* Names and n under the columns at centres cx[], top at y; returns the bottom. */
static double group_names(zf_fig *f, const est *E, const double *cx, double slot, double y, int draw)
{
    cairo_t *cr = f->cr;
    char buf[160];
    double pt = NAME_PT, npt = N_PT;
    for (size_t i = 0; i < E->ng; i++) {
        pt = fmin(pt, fit_pt(cr, zf_level_label(f->src, E->g[i].level), NAME_PT, 0.95 * slot));
        snprintf(buf, sizeof buf, "n = %zu", E->g[i].gv.n);
        npt = fmin(npt, fit_pt(cr, buf, N_PT, 0.95 * slot));
    }
    int fit = 1;
    for (size_t i = 0; i < E->ng; i++) {
        zf_canvas_font(cr, pt, 0);
        fit &= zf_canvas_text_width(cr, zf_level_label(f->src, E->g[i].level)) <= 0.95 * slot;
        snprintf(buf, sizeof buf, "n = %zu", E->g[i].gv.n);
        zf_canvas_font(cr, npt, 0);
        fit &= zf_canvas_text_width(cr, buf) <= 0.95 * slot;
    }
    if (!fit) {
        /* too narrow for level text: "name (n = K)" at 45 degrees, ending under
         * each column, at the largest size (5 pt at least) that keeps every
         * label inside the cell on the left */
        double ext = 0.0, rpt = N_PT, fh = 0.0;
        for (; rpt > 5.0; rpt -= 0.5) {
            int inside = 1;
            zf_canvas_font(cr, rpt, 0);
            fh = zf_canvas_font_height(cr);
            for (size_t i = 0; i < E->ng; i++) {
                snprintf(buf, sizeof buf, "%s (n = %zu)", zf_level_label(f->src, E->g[i].level), E->g[i].gv.n);
                inside &= (zf_canvas_text_width(cr, buf) + fh) * 0.70710678118654752 <= cx[i] - E->cell_x - ZF_MARGIN;
            }
            if (inside)
                break;
        }
        zf_canvas_font(cr, rpt, 0);
        fh = zf_canvas_font_height(cr);
        for (size_t i = 0; i < E->ng; i++) {
            snprintf(buf, sizeof buf, "%s (n = %zu)", zf_level_label(f->src, E->g[i].level), E->g[i].gv.n);
            /* what still does not fit loses letters from the name's end */
            char name[128];
            snprintf(name, sizeof name, "%s", zf_level_label(f->src, E->g[i].level));
            size_t nl = strlen(name);
            while (nl > 1 && (zf_canvas_text_width(cr, buf) + fh) * 0.70710678118654752 > cx[i] - E->cell_x - ZF_MARGIN) {
                do /* one UTF-8 character off the end */
                    nl--;
                while (nl > 0 && ((unsigned char)name[nl] & 0xC0) == 0x80);
                name[nl] = '\0';
                snprintf(buf, sizeof buf, "%s\xe2\x80\xa6 (n = %zu)", name, E->g[i].gv.n);
            }
            ext = fmax(ext, (zf_canvas_text_width(cr, buf) + fh) * 0.70710678118654752);
            if (draw) {
                cairo_save(cr);
                cairo_translate(cr, cx[i], y);
                cairo_rotate(cr, -ZF_PI / 4.0);
                zf_canvas_rgb(cr, ZF_INK);
                zf_canvas_text(cr, 0.0, 0.0, buf, 1.0, ZF_VALIGN_TOP);
                cairo_restore(cr);
            }
        }
        return y + ext;
    }
    zf_canvas_font(cr, pt, 0);
    double h1 = zf_canvas_font_height(cr);
    zf_canvas_font(cr, npt, 0);
    double h2 = zf_canvas_font_height(cr);
    if (draw) {
        zf_canvas_rgb(cr, ZF_INK);
        for (size_t i = 0; i < E->ng; i++) {
            zf_canvas_font(cr, pt, 0);
            zf_canvas_text(cr, cx[i], y, zf_level_label(f->src, E->g[i].level), 0.5, ZF_VALIGN_TOP);
            zf_canvas_font(cr, npt, 0);
            snprintf(buf, sizeof buf, "n = %zu", E->g[i].gv.n);
            zf_canvas_text(cr, cx[i], y + h1 + 0.1, buf, 0.5, ZF_VALIGN_TOP);
        }
    }
    return y + h1 + 0.1 + h2;
}

/* Swarm every group into half of its column; one radius for all. */
static int est_swarm(est *E, double py_top, double py_bot, double half)
{
    double ph = py_bot - py_top;
    double **u = malloc(E->ng * sizeof *u), **x = malloc(E->ng * sizeof *x);
    size_t *n = malloc(E->ng * sizeof *n);
    int rc = ZF_OK, fits = 1;
    if (!u || !x || !n) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < E->ng; i++) {
        est_group *g = &E->g[i];
        for (size_t k = 0; k < g->gv.n; k++)
            g->u[k] = (g->gv.v[k] - E->ay.v0) / (E->ay.v1 - E->ay.v0) * ph;
        u[i] = g->u;
        x[i] = g->x;
        n[i] = g->gv.n;
    }
    rc = zf_swarm_fit(u, n, E->ng, half, PT_R, PT_R_MIN, x, &E->r, &fits);
    E->squeezed = E->r < PT_R;
    E->spill = !fits;
    if (E->spill)
        zf_log(ZF_LOG_WARN, "estimation plot '%s': swarms wider than their columns even at %.2f mm points",
               E->s.label ? E->s.label : "", E->r);
done:
    free(u);
    free(x);
    free(n);
    return rc;
}

static void draw_swarm(zf_fig *f, const est *E, size_t i, double cx, double py_bot)
{
    const est_group *g = &E->g[i];
    uint32_t rgb = f->src->levels[g->level].rgb;
    for (size_t k = 0; k < g->gv.n; k++) {
        double px = cx + g->x[k], py = py_bot - g->u[k];
        zf_canvas_point(f->cr, px, py, E->r, rgb);
        zf_fig_mark(f, ZF_MARK_POINT, g->level, g->gv.subj[k], px, py, E->r, 0.0, g->gv.v[k], g->gv.v[k]);
    }
}

/* Left margin: rotated label, tick labels, ticks; returns the axis x. */
static double left_axis_x(cairo_t *cr, double x, double tickw)
{
    zf_canvas_font(cr, ZF_LABEL_PT, 0);
    return x + ZF_MARGIN + zf_canvas_font_height(cr) + 0.8 + tickw + 0.8 + ZF_TICK_LEN;
}

static int draw_cumming(est *E, double x, double y, double w, double h)
{
    zf_fig *f = E->f;
    cairo_t *cr = f->cr;
    const char *title = E->spec->title ? E->spec->title : E->s.title;
    double top = zf_fig_title(f, title, x, y, w, 0);
    est_caption(E);
    double cap = zf_fig_caption(f, E->caption, x, y, w, h, 0);
    zf_canvas_font(cr, ZF_TICK_PT, 0);
    double tickw = fmax(zf_axis_label_width(cr, &E->ay), zf_axis_label_width(cr, &E->ae));
    double xaxis = left_axis_x(cr, x, tickw);
    double px0 = xaxis + AXIS_OFFSET, px1 = x + w - ZF_MARGIN;
    double slot = (px1 - px0) / (double)E->ng;
    double *cx = malloc(E->ng * sizeof *cx);
    if (!cx)
        return zf_error(ZF_ENOMEM, "out of memory");
    for (size_t i = 0; i < E->ng; i++)
        cx[i] = px0 + ((double)i + 0.5) * slot;
    double names_h = group_names(f, E, cx, slot, 0.0, 0) + ZF_TICK_LEN + 0.6;
    double py_top = 0, py_bot = 0, names_top = 0, ly_top = 0, ly_bot = 0;
    int rc = ZF_OK;
    /* lay out, swarm; when the swarm had to squeeze, the caption says so in
     * more lines: lay out again around the longer caption */
    for (int pass = 0; pass < 2; pass++) {
        double avail = cap - 1.0 - top - PT_R - 0.5 - AXIS_OFFSET - names_h - 2.0;
        if (px1 - px0 < 10.0 || avail < 24.0) {
            free(cx);
            return zf_error(ZF_EINVAL, "estimation plot: %.0f x %.0f mm is too small for %zu groups", w, h, E->ng);
        }
        /* the effects get a little more of a short figure, so their axis stays readable */
        double share = avail > 60.0 ? 0.58 : 0.52;
        py_top = top + PT_R + 0.5;
        py_bot = py_top + share * avail;
        names_top = py_bot + AXIS_OFFSET + ZF_TICK_LEN + 0.6;
        ly_top = names_top + names_h - ZF_TICK_LEN - 0.6 + 2.0 + 1.0;
        ly_bot = cap - 3.0;
        zf_axis_place(&E->ay, py_bot, py_top);
        zf_axis_place(&E->ae, ly_bot, ly_top);
        if ((rc = est_swarm(E, py_top, py_bot, 0.5 * slot - 1.6)) != ZF_OK) {
            free(cx);
            return rc;
        }
        est_caption(E);
        double cap2 = zf_fig_caption(f, E->caption, x, y, w, h, 0);
        if (cap2 >= cap - 1e-9)
            break;
        cap = cap2;
    }
    zf_fig_title(f, title, x, y, w, 1);
    zf_fig_caption(f, E->caption, x, y, w, h, 1);

    /* upper: the data */
    zf_axis_draw_left(cr, &E->ay, xaxis);
    zf_fig_ylabel(f, x + ZF_MARGIN, (py_top + py_bot) / 2.0, E->ylabel, py_bot - py_top + 6.0);
    double yx = py_bot + AXIS_OFFSET;
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_SQUARE);
    zf_canvas_line(cr, px0, yx, px1, yx, ZF_AXIS_LW_PT);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    for (size_t i = 0; i < E->ng; i++)
        zf_canvas_line(cr, cx[i], yx, cx[i], yx + ZF_TICK_LEN, ZF_AXIS_LW_PT);
    group_names(f, E, cx, slot, names_top, 1);
    zf_fig_mark(f, ZF_MARK_DATA, 0, 0, px0, py_top, px1 - px0, py_bot - py_top, E->ay.v0, E->ay.v1);
    for (size_t i = 0; i < E->ng; i++) {
        double sx = cx[i] - 0.8;
        draw_swarm(f, E, i, sx, py_bot);
        double maxoff = 0.0;
        for (size_t k = 0; k < E->g[i].gv.n; k++)
            maxoff = fmax(maxoff, E->g[i].x[k]);
        gapped_line(cr, &E->ay, &E->g[i], sx + maxoff + E->r + 1.0);
    }

    /* lower: effects vs the reference */
    zf_axis_draw_left(cr, &E->ae, xaxis);
    zf_fig_ylabel(f, x + ZF_MARGIN, (ly_top + ly_bot) / 2.0, E->elabel, ly_bot - ly_top + 4.0);
    double y0 = zf_axis_pos(&E->ae, 0.0);
    dashed(cr, px0, y0, px1, y0, 0x888888);
    zf_fig_mark(f, ZF_MARK_DATA, 1, 0, px0, ly_top, px1 - px0, ly_bot - ly_top, E->ae.v0, E->ae.v1);
    for (size_t i = 1; i < E->ng; i++)
        if (E->g[i].has_effect)
            effect_mark(f, &E->g[i], &E->ae, cx[i], 0.42 * slot, f->src->levels[E->g[i].level].rgb);
    free(cx);
    return ZF_OK;
}

static int draw_gardner(est *E, double x, double y, double w, double h)
{
    zf_fig *f = E->f;
    cairo_t *cr = f->cr;
    const char *title = E->spec->title ? E->spec->title : E->s.title;
    double top = zf_fig_title(f, title, x, y, w, 0);
    est_caption(E);
    double cap = zf_fig_caption(f, E->caption, x, y, w, h, 0);
    zf_canvas_font(cr, ZF_TICK_PT, 0);
    double tickw = zf_axis_label_width(cr, &E->ay), etickw = zf_axis_label_width(cr, &E->ae);
    double xaxis = left_axis_x(cr, x, tickw);
    zf_canvas_font(cr, ZF_LABEL_PT, 0);
    double lab_h = zf_canvas_font_height(cr);
    double xr = x + w - ZF_MARGIN - lab_h - 0.8 - etickw - 0.8 - ZF_TICK_LEN; /* right (effect) axis */
    double px0 = xaxis + AXIS_OFFSET, split = px0 + 0.64 * (xr - px0);
    double slot = (split - px0) / 2.0;
    double cx[3] = {px0 + 0.5 * slot, px0 + 1.5 * slot, split + 0.3 * (xr - split)};
    double names_h = group_names(f, E, cx, slot, 0.0, 0);
    double py_top = top + PT_R + 0.5, py_bot = 0.0;
    for (int pass = 0; pass < 2; pass++) { /* again when a squeezed swarm lengthens the caption */
        py_bot = cap - 1.0 - names_h - 0.6 - ZF_TICK_LEN - AXIS_OFFSET;
        if (split - px0 < 10.0 || py_bot - py_top < 15.0)
            return zf_error(ZF_EINVAL, "estimation plot: %.0f x %.0f mm is too small", w, h);
        zf_axis_place(&E->ay, py_bot, py_top);
        if (E->aligned) {
            double ref = E->effect == ZF_EFFECT_MEDIAN_DIFF ? E->g[0].gv.median : E->g[0].gv.mean;
            /* keep only the effect ticks that fall inside the data axis */
            zf_ticks *t = &E->ae.t;
            double eps = 1e-9 * t->step;
            while (t->count > 2 && t->lo + (t->count - 1) * t->step > E->ay.v1 - ref + eps)
                t->count--;
            while (t->count > 2 && t->lo < E->ay.v0 - ref - eps) {
                t->lo += t->step;
                t->count--;
            }
            E->ae.v0 = t->lo;
            E->ae.v1 = t->lo + (t->count - 1) * t->step;
            zf_axis_place(&E->ae, zf_axis_pos(&E->ay, ref + E->ae.v0), zf_axis_pos(&E->ay, ref + E->ae.v1));
        } else {
            zf_axis_place(&E->ae, py_bot, py_top);
        }
        int rc = est_swarm(E, py_top, py_bot, 0.5 * slot - 1.6);
        if (rc != ZF_OK)
            return rc;
        est_caption(E);
        double cap2 = zf_fig_caption(f, E->caption, x, y, w, h, 0);
        if (cap2 >= cap - 1e-9)
            break;
        cap = cap2;
    }
    zf_fig_title(f, title, x, y, w, 1);
    zf_fig_caption(f, E->caption, x, y, w, h, 1);

    zf_axis_draw_left(cr, &E->ay, xaxis);
    zf_fig_ylabel(f, x + ZF_MARGIN, (py_top + py_bot) / 2.0, E->ylabel, py_bot - py_top + 6.0);
    double yx = py_bot + AXIS_OFFSET, names_top = yx + ZF_TICK_LEN + 0.6;
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_SQUARE);
    zf_canvas_line(cr, px0, yx, split, yx, ZF_AXIS_LW_PT);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    for (size_t i = 0; i < 2; i++)
        zf_canvas_line(cr, cx[i], yx, cx[i], yx + ZF_TICK_LEN, ZF_AXIS_LW_PT);
    group_names(f, E, cx, slot, names_top, 1);
    zf_fig_mark(f, ZF_MARK_DATA, 0, 0, px0, py_top, split - px0, py_bot - py_top, E->ay.v0, E->ay.v1);
    double line_x[2];
    for (size_t i = 0; i < 2; i++) {
        double sx = cx[i] - 0.8, maxoff = 0.0;
        draw_swarm(f, E, i, sx, py_bot);
        for (size_t k = 0; k < E->g[i].gv.n; k++)
            maxoff = fmax(maxoff, E->g[i].x[k]);
        line_x[i] = sx + maxoff + E->r + 1.0;
        gapped_line(cr, &E->ay, &E->g[i], line_x[i]);
    }

    /* the floating effect axis on the right */
    zf_axis_draw_right(cr, &E->ae, xr);
    zf_fig_ylabel(f, x + w - ZF_MARGIN - lab_h, (E->ae.p0 + E->ae.p1) / 2.0, E->elabel, py_bot - py_top + 6.0);
    zf_fig_mark(f, ZF_MARK_DATA, 1, 0, split, fmin(E->ae.p0, E->ae.p1), xr - split, fabs(E->ae.p0 - E->ae.p1),
                E->ae.v0, E->ae.v1);
    const est_group *t = &E->g[1];
    if (E->aligned) {
        /* dotted lines from the two means to the effect axis: 0 and the difference */
        double ref = E->effect == ZF_EFFECT_MEDIAN_DIFF ? E->g[0].gv.median : E->g[0].gv.mean;
        double tv = E->effect == ZF_EFFECT_MEDIAN_DIFF ? t->gv.median : t->gv.mean;
        dashed(cr, line_x[0] + 0.6, zf_axis_pos(&E->ay, ref), xr, zf_axis_pos(&E->ay, ref), 0x888888);
        if (isfinite(tv))
            dashed(cr, line_x[1] + 0.6, zf_axis_pos(&E->ay, tv), xr, zf_axis_pos(&E->ay, tv), 0x888888);
    } else {
        double y0 = zf_axis_pos(&E->ae, 0.0);
        dashed(cr, split, y0, xr, y0, 0x888888);
    }
    if (t->has_effect)
        effect_mark(f, t, &E->ae, cx[2], 0.8 * (xr - cx[2]), f->src->levels[t->level].rgb);
    /* what the right column shows */
    char buf[200];
    snprintf(buf, sizeof buf, "%s \xe2\x88\x92 %s", zf_level_label(f->src, t->level),
             zf_level_label(f->src, E->g[0].level));
    double pt = fit_pt(cr, buf, NAME_PT, xr - split + 2.0);
    zf_canvas_font(cr, pt, 0);
    zf_canvas_rgb(cr, ZF_INK);
    zf_canvas_text(cr, (split + xr) / 2.0, names_top, buf, 0.5, ZF_VALIGN_TOP);
    return ZF_OK;
}

int zf_draw_estimation(zf_fig *f, const zf_figure_spec *spec, double x, double y, double w, double h)
{
    est E;
    memset(&E, 0, sizeof E);
    E.f = f;
    E.spec = spec;
    E.effect = spec->effect ? zf_effect_parse(spec->effect) : ZF_EFFECT_MEAN_DIFF;
    if (E.effect < 0)
        return zf_error(ZF_EINVAL, "estimation plot: unknown effect '%s' (mean_diff, median_diff, cohens_d, hedges_g)",
                        spec->effect);
    int rc = zf_fig_metric(f, spec->metrics[0], &E.s);
    if (rc == ZF_OK)
        rc = est_data(&E);
    if (rc == ZF_OK) {
        E.gardner = E.ng == 2;
        rc = est_axes(&E);
    }
    if (rc == ZF_OK) {
        zf_series_axis_label(&E.s, E.ylabel, sizeof E.ylabel);
        const char *u = E.s.unit && E.s.unit[0] && strcmp(E.s.unit, "1") != 0 ? E.s.unit : NULL;
        if (standardised(E.effect) || !u)
            snprintf(E.elabel, sizeof E.elabel, "%s", effect_text(E.effect));
        else
            snprintf(E.elabel, sizeof E.elabel, "%s (%s)", effect_text(E.effect), u);
        E.cell_x = x;
        rc = E.gardner ? draw_gardner(&E, x, y, w, h) : draw_cumming(&E, x, y, w, h);
    }
    if (rc == ZF_OK)
        zf_fig_procedure(f, "estimation %s: %s vs %s, BCa bootstrap 95%% CI (%zu resamples, seed %lu); mean %s SD",
                         spec->metrics[0], effect_text(E.effect), zf_level_label(f->src, E.g[0].level),
                         f->src->nboot ? f->src->nboot : (size_t)5000, f->src->seed, "+/-");
    est_free(&E);
    return rc;
}
