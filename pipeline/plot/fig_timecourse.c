/* fig_timecourse.c: the `timecourse` kind: per-bin group mean +/- SEM (or 95% CI) over the trial, with thin per-fish lines (habituation curves). */
#include "plot/plot_internal.h"

#include "zfstress/core.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AXIS_OFFSET 1.5
#define MEAN_LW_PT 1.0
#define FISH_LW_PT 0.35
#define ERR_LW_PT 0.7
#define MEAN_R 0.6
#define CAP_W 0.45 /* half width of an error-bar cap (mm) */

typedef struct tc_group {
    size_t level, n;     /* fish */
    double *mean, *err;  /* [nbin]; NaN where no fish has a value */
    size_t *nb;          /* [nbin] fish with a value */
} tc_group;

static void tc_free(tc_group *g, size_t ng)
{
    for (size_t i = 0; g && i < ng; i++) {
        free(g[i].mean);
        free(g[i].err);
        free(g[i].nb);
    }
    free(g);
}

/* A bin width as "min" / "h" / "5 min" / "30 s" (per) and "1-min" / "5-min" / "30-s" (bin). */
static void bin_name(double bin_s, char *per, size_t psize, char *bin, size_t bsize)
{
    if (fabs(bin_s - 60.0) < 1e-9) {
        snprintf(per, psize, "min");
        snprintf(bin, bsize, "1-min");
    } else if (fabs(bin_s - 3600.0) < 1e-9) {
        snprintf(per, psize, "h");
        snprintf(bin, bsize, "1-h");
    } else if (fmod(bin_s, 60.0) == 0.0) {
        snprintf(per, psize, "%g min", bin_s / 60.0);
        snprintf(bin, bsize, "%g-min", bin_s / 60.0);
    } else {
        snprintf(per, psize, "%g s", bin_s);
        snprintf(bin, bsize, "%g-s", bin_s);
    }
}

int zf_draw_timecourse(zf_fig *f, const zf_figure_spec *spec, double x, double y, double w, double h)
{
    int rc = ZF_OK;
    cairo_t *cr = f->cr;
    const zf_plot_source *src = f->src;
    zf_plot_series s;
    size_t *lev = NULL, ng = 0;
    tc_group *G = NULL;
    zf_legend_item *items = NULL;
    char (*labels)[160] = NULL;
    memset(&s, 0, sizeof s);
    int ci = spec->error && strcmp(spec->error, "ci95") == 0;
    if (spec->error && !ci && strcmp(spec->error, "sem") != 0) {
        rc = zf_error(ZF_EINVAL, "time course: unknown error '%s' (sem, ci95)", spec->error);
        goto done;
    }
    int lines = spec->lines != 0;
    if ((rc = zf_fig_binned(f, spec->metrics[0], &s)) != ZF_OK || (rc = zf_fig_levels(f, spec, &lev, &ng)) != ZF_OK)
        goto done;
    size_t nbin = s.nbin, ns = src->nsubjects;
    G = calloc(ng, sizeof *G);
    items = calloc(ng, sizeof *items);
    labels = calloc(ng, sizeof *labels);
    if (!G || !items || !labels) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    double bin_s = nbin > 1 ? s.bin_start[1] - s.bin_start[0] : 60.0;
    if (!(bin_s > 0.0))
        bin_s = 60.0;
    double tend = s.bin_start[nbin - 1] + bin_s;
    int minutes = tend >= 120.0;
    double tscale = minutes ? 1.0 / 60.0 : 1.0;
    double lo = INFINITY, hi = -INFINITY;
    int varying_n = 0;
    for (size_t g = 0; g < ng; g++) {
        tc_group *t = &G[g];
        t->level = lev[g];
        t->mean = malloc(nbin * sizeof *t->mean);
        t->err = malloc(nbin * sizeof *t->err);
        t->nb = calloc(nbin, sizeof *t->nb);
        if (!t->mean || !t->err || !t->nb) {
            rc = zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < ns; i++)
            t->n += src->group[i] == t->level;
        for (size_t b = 0; b < nbin; b++) {
            double sum = 0.0, ss = 0.0;
            size_t k = 0;
            for (size_t i = 0; i < ns; i++) {
                double v = s.v[i * nbin + b];
                if (src->group[i] != t->level || !isfinite(v))
                    continue;
                sum += v;
                k++;
                if (lines) {
                    lo = fmin(lo, v);
                    hi = fmax(hi, v);
                }
            }
            double m = k ? sum / (double)k : NAN;
            for (size_t i = 0; i < ns; i++) {
                double v = s.v[i * nbin + b];
                if (src->group[i] == t->level && isfinite(v))
                    ss += (v - m) * (v - m);
            }
            double sem = k > 1 ? sqrt(ss / (double)(k - 1)) / sqrt((double)k) : NAN;
            t->mean[b] = m;
            t->nb[b] = k;
            t->err[b] = ci ? sem * zf_t975((double)k - 1.0) : sem;
            varying_n |= k != t->n;
            if (isfinite(m)) {
                double e = isfinite(t->err[b]) ? t->err[b] : 0.0;
                lo = fmin(lo, m - e);
                hi = fmax(hi, m + e);
            }
        }
        snprintf(labels[g], sizeof labels[g], "%s (n = %zu)", zf_level_label(src, t->level), t->n);
        items[g] = (zf_legend_item){labels[g], src->levels[t->level].rgb, ZF_LEG_LINE};
    }
    if (!(lo <= hi)) {
        lo = 0.0;
        hi = 1.0;
    }
    if (lo > 0.0 && lo < 0.25 * hi)
        lo = 0.0; /* counts and durations read best from zero */
    zf_axis ay, ax;
    if ((rc = zf_axis_linear(&ay, lo, hi, 5)) != ZF_OK ||
        (rc = zf_axis_linear(&ax, 0.0, tend * tscale, 6)) != ZF_OK)
        goto done;

    /* caption, title, legend; then the axes in what is left */
    char bn[32], bw[32], ylabel[200], caption[512];
    bin_name(bin_s, bn, sizeof bn, bw, sizeof bw);
    const char *u = s.unit && s.unit[0] && strcmp(s.unit, "1") != 0 ? s.unit : NULL;
    if (u)
        snprintf(ylabel, sizeof ylabel, "%s per %s (%s)", s.label ? s.label : "", bn, u);
    else
        snprintf(ylabel, sizeof ylabel, "%s per %s", s.label ? s.label : "", bn);
    snprintf(caption, sizeof caption, "group mean %s %s of each %s bin%s%s",
             "\xc2\xb1", ci ? "95% CI (t)" : "SEM", bw, lines ? "; thin lines: individual fish" : "",
             varying_n ? "; bins count only the fish tracked in them" : "");
    const char *title = spec->title ? spec->title : s.title;
    double top = zf_fig_title(f, title, x, y, w, 1);
    double cap = zf_fig_caption(f, caption, x, y, w, h, 1);
    zf_canvas_font(cr, ZF_TICK_PT, 0);
    double tickw = zf_axis_label_width(cr, &ay);
    zf_canvas_font(cr, ZF_LABEL_PT, 0);
    double lab_h = zf_canvas_font_height(cr);
    double xaxis = x + ZF_MARGIN + lab_h + 0.8 + tickw + 0.8 + ZF_TICK_LEN;
    double px0 = xaxis + AXIS_OFFSET, px1 = x + w - ZF_MARGIN - 2.0;
    double leg_h = zf_legend(cr, items, ng, px0, top, px1 - px0, 0);
    zf_legend(cr, items, ng, px0, top, px1 - px0, 1);
    zf_fig_mark(f, ZF_MARK_LEGEND, 0, 0, px0, top, px1 - px0, leg_h, 0.0, 0.0);
    zf_canvas_font(cr, ZF_TICK_PT, 0);
    double tick_h = zf_canvas_font_height(cr);
    double py_top = top + leg_h + 2.0;
    double yx = cap - 1.0 - lab_h - 0.6 - tick_h - 0.5 - ZF_TICK_LEN;
    double py_bot = yx - AXIS_OFFSET;
    if (px1 - px0 < 15.0 || py_bot - py_top < 12.0) {
        rc = zf_error(ZF_EINVAL, "time course: %.0f x %.0f mm is too small", w, h);
        goto done;
    }
    zf_axis_place(&ay, py_bot, py_top);
    zf_axis_place(&ax, px0, px1);
    zf_axis_draw_left(cr, &ay, xaxis);
    zf_axis_draw_bottom(cr, &ax, yx);
    zf_fig_ylabel(f, x + ZF_MARGIN, (py_top + py_bot) / 2.0, ylabel, py_bot - py_top + 4.0);
    zf_canvas_font(cr, ZF_LABEL_PT, 0);
    zf_canvas_text(cr, (px0 + px1) / 2.0, yx + ZF_TICK_LEN + 0.5 + tick_h + 0.6,
                   minutes ? "time (min)" : "time (s)", 0.5, ZF_VALIGN_TOP);
    zf_fig_mark(f, ZF_MARK_DATA, 0, 0, px0, py_top, px1 - px0, py_bot - py_top, ay.v0, ay.v1);

    cairo_save(cr);
    cairo_rectangle(cr, px0 - 1.0, py_top - 1.0, px1 - px0 + 2.0, py_bot - py_top + 2.0);
    cairo_clip(cr);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    double binw = ax.p1 > ax.p0 ? (bin_s * tscale) / (ax.v1 - ax.v0) * (ax.p1 - ax.p0) : 1.0;
    double dodge = fmin(0.9, 0.12 * binw);
    if (lines) {
        for (size_t i = 0; i < ns; i++) {
            size_t g = 0;
            while (g < ng && G[g].level != src->group[i])
                g++;
            if (g == ng)
                continue;
            zf_canvas_rgba(cr, src->levels[G[g].level].rgb, 0.35);
            cairo_set_line_width(cr, FISH_LW_PT * ZF_MM_PER_PT);
            int pen = 0;
            for (size_t b = 0; b < nbin; b++) {
                double v = s.v[i * nbin + b];
                double px = zf_axis_pos(&ax, (s.bin_start[b] + bin_s / 2.0) * tscale);
                if (!isfinite(v)) {
                    pen = 0;
                    continue;
                }
                if (pen)
                    cairo_line_to(cr, px, zf_axis_pos(&ay, v));
                else
                    cairo_move_to(cr, px, zf_axis_pos(&ay, v));
                pen = 1;
            }
            cairo_stroke(cr);
        }
    }
    for (size_t g = 0; g < ng; g++) {
        const tc_group *t = &G[g];
        uint32_t rgb = src->levels[t->level].rgb;
        double off = ((double)g - ((double)ng - 1.0) / 2.0) * dodge;
        zf_canvas_rgb(cr, rgb);
        cairo_set_line_width(cr, MEAN_LW_PT * ZF_MM_PER_PT);
        int pen = 0;
        for (size_t b = 0; b < nbin; b++) {
            if (!isfinite(t->mean[b])) {
                pen = 0;
                continue;
            }
            double px = zf_axis_pos(&ax, (s.bin_start[b] + bin_s / 2.0) * tscale) + off;
            double py = zf_axis_pos(&ay, t->mean[b]);
            if (pen)
                cairo_line_to(cr, px, py);
            else
                cairo_move_to(cr, px, py);
            pen = 1;
        }
        cairo_stroke(cr);
        for (size_t b = 0; b < nbin; b++) {
            if (!isfinite(t->mean[b]))
                continue;
            double px = zf_axis_pos(&ax, (s.bin_start[b] + bin_s / 2.0) * tscale) + off;
            double py = zf_axis_pos(&ay, t->mean[b]);
            if (isfinite(t->err[b])) {
                double y0 = zf_axis_pos(&ay, t->mean[b] - t->err[b]), y1 = zf_axis_pos(&ay, t->mean[b] + t->err[b]);
                zf_canvas_rgb(cr, zf_rgb_darken(rgb, 0.8));
                zf_canvas_line(cr, px, y0, px, y1, ERR_LW_PT);
                zf_canvas_line(cr, px - CAP_W, y0, px + CAP_W, y0, ERR_LW_PT);
                zf_canvas_line(cr, px - CAP_W, y1, px + CAP_W, y1, ERR_LW_PT);
            }
            zf_canvas_point(cr, px, py, MEAN_R, rgb);
            zf_fig_mark(f, ZF_MARK_MEAN, t->level, b, px, py, MEAN_R, 0.0, t->mean[b], t->mean[b]);
        }
    }
    cairo_restore(cr);
    zf_fig_procedure(f, "time course %s: group mean +/- %s per %s bin%s", spec->metrics[0],
                     ci ? "95% CI" : "SEM", bw, lines ? ", per-fish lines" : "");
done:
    tc_free(G, ng);
    free(items);
    free(labels);
    free(lev);
    zf_plot_series_free(&s);
    return rc;
}
