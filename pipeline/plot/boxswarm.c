/* boxswarm.c: the box + swarm figure (quartiles, 1.5 IQR whiskers, every fish, p brackets) drawn once in mm for PNG, PDF and SVG. */
#include "plot/plot_internal.h"

#include "zfstress/core.h"

#include <gsl/gsl_statistics_double.h>

#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

/* ---- style (lengths in mm unless named _pt) -------------------------------- */

#define DEF_WIDTH_MM 85.0
#define DEF_HEIGHT_MM 70.0
#define DEF_DPI 300
#define MARGIN 1.5
#define TITLE_PT 9.0
#define LABEL_PT 8.0
#define TICK_PT 7.0
#define N_PT 6.5
#define P_PT 7.0
#define CAPTION_PT 6.0
#define MIN_TEXT_PT 5.0
#define MIN_NAME_PT 6.0 /* below this, group names are rotated instead */
#define BR_TICK 0.6     /* bracket end ticks */
#define ROT_MAX_FRAC 0.3 /* rotated names take at most this part of the height */
#define AXIS_LW_PT 0.6
#define BOX_LW_PT 0.6
#define MEDIAN_LW_PT 1.2
#define POINT_EDGE_PT 0.3
#define TICK_LEN 1.0
#define AXIS_OFFSET 1.5 /* axes stand apart from the data region */
#define POINT_R 0.7
#define POINT_R_MIN 0.3
#define BOX_MAX_W 14.0
#define INK 0x222222u
#define CAPTION_INK 0x444444u
#define MAX_CAPTION_LINES 8
#define CAPTION_BASE "points: individual fish; box: median and IQR; whiskers: 1.5 IQR"

typedef struct bs_group {
    size_t n;      /* finite values */
    double *v;     /* sorted ascending */
    size_t *idx;   /* index in the caller's values of v[i] */
    double *u;     /* height above the plot bottom (mm) of v[i] */
    double *x;     /* swarm offset from the group centre (mm) */
    double q1, med, q3, wlo, whi;
} bs_group;

typedef struct bs_layout {
    double W, H;
    size_t ng;
    bs_group *g;
    int has_data;
    zf_ticks ticks;
    double px0, px1, py_top, py_bot; /* data region */
    double x_yaxis, y_xaxis, x_ticklab, x_ylabel;
    double title_top, title_pt;
    double band_bottom, level_h; /* p brackets */
    size_t nbr;
    double names_top, n_top, name_pt, n_pt;
    int names_rotated;  /* names at 45 degrees as "name (n = K)" */
    char **glabel;      /* [ng] the rotated labels */
    double slot, box_w, r;
    char *caption;                  /* wrapped in place: lines point into it */
    const char *cap_line[MAX_CAPTION_LINES];
    size_t ncap;
    double cap_top, cap_lh;
} bs_layout;

typedef struct sort_pair {
    double v;
    size_t i;
} sort_pair;

static int cmp_pair(const void *a, const void *b)
{
    const sort_pair *x = a, *y = b;
    if (x->v < y->v)
        return -1;
    if (x->v > y->v)
        return 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static void layout_free(bs_layout *L)
{
    if (L->g)
        for (size_t i = 0; i < L->ng; i++) {
            free(L->g[i].v);
            free(L->g[i].idx);
            free(L->g[i].u);
            free(L->g[i].x);
        }
    free(L->g);
    if (L->glabel)
        for (size_t i = 0; i < L->ng; i++)
            free(L->glabel[i]);
    free(L->glabel);
    free(L->caption);
    memset(L, 0, sizeof *L);
}

/* Sorted finite values, quartiles and whiskers of one group. */
static int group_stats(const zf_plot_group *in, bs_group *g)
{
    int rc = ZF_OK;
    sort_pair *pairs = NULL;
    size_t m = 0;

    if (in->n && !in->values)
        return zf_error(ZF_EINVAL, "group '%s': %zu values but no array", in->name ? in->name : "",
                        in->n);
    for (size_t i = 0; i < in->n; i++)
        if (isfinite(in->values[i]))
            m++;
    g->n = m;
    if (m == 0)
        return ZF_OK;
    pairs = malloc(m * sizeof *pairs);
    g->v = malloc(m * sizeof *g->v);
    g->idx = malloc(m * sizeof *g->idx);
    g->u = malloc(m * sizeof *g->u);
    g->x = malloc(m * sizeof *g->x);
    if (!pairs || !g->v || !g->idx || !g->u || !g->x) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    m = 0;
    for (size_t i = 0; i < in->n; i++)
        if (isfinite(in->values[i])) {
            pairs[m].v = in->values[i];
            pairs[m].i = i;
            m++;
        }
    qsort(pairs, m, sizeof *pairs, cmp_pair);
    for (size_t i = 0; i < m; i++) {
        g->v[i] = pairs[i].v;
        g->idx[i] = pairs[i].i;
    }
    /* type 7 (R default, linear interpolation of the order statistics) */
    g->q1 = gsl_stats_quantile_from_sorted_data(g->v, 1, m, 0.25);
    g->med = gsl_stats_quantile_from_sorted_data(g->v, 1, m, 0.5);
    g->q3 = gsl_stats_quantile_from_sorted_data(g->v, 1, m, 0.75);
    double iqr = g->q3 - g->q1;
    double lo_fence = g->q1 - 1.5 * iqr, hi_fence = g->q3 + 1.5 * iqr;
    g->wlo = g->q1;
    for (size_t i = 0; i < m; i++)
        if (g->v[i] >= lo_fence) {
            g->wlo = fmin(g->v[i], g->q1);
            break;
        }
    g->whi = g->q3;
    for (size_t i = m; i-- > 0;)
        if (g->v[i] <= hi_fence) {
            g->whi = fmax(g->v[i], g->q3);
            break;
        }
done:
    free(pairs);
    return rc;
}

static double data_y(const bs_layout *L, double v)
{
    return L->py_bot - (v - L->ticks.lo) / (L->ticks.hi - L->ticks.lo) * (L->py_bot - L->py_top);
}

static double group_x(const bs_layout *L, size_t i)
{
    return L->px0 + ((double)i + 0.5) * L->slot;
}

/* Width of s[0..len) in the current font. */
static double prefix_width(cairo_t *cr, char *s, size_t len)
{
    char save = s[len];
    s[len] = '\0';
    double w = zf_canvas_text_width(cr, s);
    s[len] = save;
    return w;
}

/* Word wrap of L->caption into lines no wider than width, breaking after a
 * "; " when a line can end there, else at the last space that fits. */
static void wrap_caption(cairo_t *cr, bs_layout *L, double width)
{
    char *s = L->caption;
    L->ncap = 0;
    while (*s && L->ncap < MAX_CAPTION_LINES) {
        size_t len = strlen(s);
        if (prefix_width(cr, s, len) <= width || L->ncap + 1 == MAX_CAPTION_LINES) {
            L->cap_line[L->ncap++] = s;
            break;
        }
        size_t at_semi = 0, at_space = 0;
        for (size_t i = 1; i < len; i++) {
            if (s[i] != ' ')
                continue;
            if (prefix_width(cr, s, i) > width)
                break;
            at_space = i;
            if (s[i - 1] == ';')
                at_semi = i;
        }
        size_t brk = at_semi ? at_semi : at_space;
        if (!brk) { /* one word wider than the line: break after it anyway */
            const char *sp = strchr(s, ' ');
            if (!sp) {
                L->cap_line[L->ncap++] = s;
                break;
            }
            brk = (size_t)(sp - s);
        }
        s[brk] = '\0';
        L->cap_line[L->ncap++] = s;
        s += brk + 1;
    }
}

/* Largest font size <= pt, in steps of 0.5, not below min_pt, at which s
 * fits width (min_pt when none does). */
static double fit_font(cairo_t *cr, const char *s, double pt, int bold, double width, double min_pt)
{
    for (; pt > min_pt; pt -= 0.5) {
        zf_canvas_font(cr, pt, bold);
        if (zf_canvas_text_width(cr, s) <= width)
            return pt;
    }
    return min_pt;
}

static int text_fits(cairo_t *cr, const char *s, double pt, double width)
{
    zf_canvas_font(cr, pt, 0);
    return zf_canvas_text_width(cr, s) <= width;
}

#define SIN45 0.70710678118654752
#define SIN45_ANGLE 0.78539816339744831 /* pi / 4 */

/* Group labels under the x axis (after the caption and the slots are known):
 * names with "n = K" below, one size for all, shrunk to fit the slots; when
 * a name would need less than MIN_NAME_PT, every label becomes "name (n = K)"
 * rotated 45 degrees and ending at its tick. Sets names_top. */
static int group_labels(cairo_t *cr, const zf_box_figure *fig, bs_layout *L)
{
    char buf[48];
    double room = 0.95 * L->slot;
    int fit = 1;
    L->name_pt = TICK_PT;
    L->n_pt = N_PT;
    for (size_t i = 0; i < L->ng; i++) {
        const char *nm = fig->groups[i].name ? fig->groups[i].name : "";
        snprintf(buf, sizeof buf, "n = %zu", L->g[i].n);
        L->name_pt = fit_font(cr, nm, L->name_pt, 0, room, MIN_NAME_PT);
        L->n_pt = fit_font(cr, buf, L->n_pt, 0, room, MIN_TEXT_PT);
        fit &= text_fits(cr, nm, L->name_pt, room) && text_fits(cr, buf, L->n_pt, room);
    }
    if (fit) {
        zf_canvas_font(cr, L->n_pt, 0);
        L->n_top = L->cap_top - 1.0 - zf_canvas_font_height(cr);
        zf_canvas_font(cr, L->name_pt, 0);
        L->names_top = L->n_top - 0.2 - zf_canvas_font_height(cr);
        return ZF_OK;
    }

    L->names_rotated = 1;
    if (!(L->glabel = calloc(L->ng, sizeof *L->glabel)))
        return zf_error(ZF_ENOMEM, "out of memory");
    for (size_t i = 0; i < L->ng; i++) {
        const char *nm = fig->groups[i].name ? fig->groups[i].name : "";
        size_t len = strlen(nm) + 32;
        if (!(L->glabel[i] = malloc(len)))
            return zf_error(ZF_ENOMEM, "out of memory");
        snprintf(L->glabel[i], len, "%s (n = %zu)", nm, L->g[i].n);
    }
    /* largest size at which every label stays inside the figure on the left
     * and the block stays within ROT_MAX_FRAC of the height */
    double ext = 0.0;
    for (L->name_pt = TICK_PT;; L->name_pt -= 0.5) {
        zf_canvas_font(cr, L->name_pt, 0);
        double h = zf_canvas_font_height(cr);
        int ok = 1;
        ext = 0.0;
        for (size_t i = 0; i < L->ng; i++) {
            double reach = (zf_canvas_text_width(cr, L->glabel[i]) + h) * SIN45;
            ext = fmax(ext, reach);
            if (group_x(L, i) - reach < MARGIN)
                ok = 0;
        }
        if ((ok && ext <= ROT_MAX_FRAC * L->H) || L->name_pt <= MIN_TEXT_PT)
            break;
    }
    L->names_top = L->cap_top - 1.0 - ext;
    return ZF_OK;
}

/* A p bracket for group i vs control: a p value and fish on both sides. */
static int has_bracket(const zf_box_figure *fig, const bs_layout *L, size_t i)
{
    return fig->p && !isnan(fig->p[i]) && L->g[0].n > 0 && L->g[i].n > 0;
}

static int swarms(bs_layout *L, double r, int *fits)
{
    *fits = 1;
    for (size_t i = 0; i < L->ng; i++) {
        bs_group *g = &L->g[i];
        int rc = zf_beeswarm(g->u, g->n, r, g->x);
        if (rc != ZF_OK)
            return rc;
        for (size_t k = 0; k < g->n; k++)
            if (fabs(g->x[k]) + r > L->box_w / 2.0 + 1e-9)
                *fits = 0;
    }
    return ZF_OK;
}

/* Everything the drawing needs, measured with cr (already scaled to mm);
 * squeezed adds to the caption that the points were drawn smaller. */
/* The figure's name in messages: its title, else its axis label. */
static const char *fig_name(const zf_box_figure *fig)
{
    return fig->title && fig->title[0] ? fig->title : fig->ylabel ? fig->ylabel : "";
}

static int layout_pass(cairo_t *cr, const zf_box_figure *fig, bs_layout *L, int squeezed)
{
    int rc = ZF_OK;
    memset(L, 0, sizeof *L);
    L->W = fig->width_mm > 0 ? fig->width_mm : DEF_WIDTH_MM;
    L->H = fig->height_mm > 0 ? fig->height_mm : DEF_HEIGHT_MM;
    L->ng = fig->ngroups;
    if (L->ng && !fig->groups)
        return zf_error(ZF_EINVAL, "figure '%s': %zu groups but no array",
                        fig_name(fig), L->ng);
    if (L->ng && !(L->g = calloc(L->ng, sizeof *L->g)))
        return zf_error(ZF_ENOMEM, "out of memory");

    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < L->ng; i++) {
        if ((rc = group_stats(&fig->groups[i], &L->g[i])) != ZF_OK)
            return rc;
        if (L->g[i].n) {
            L->has_data = 1;
            lo = fmin(lo, L->g[i].v[0]);
            hi = fmax(hi, L->g[i].v[L->g[i].n - 1]);
        }
    }
    if (!L->has_data) {
        lo = 0.0;
        hi = 1.0;
    }
    if ((rc = zf_nice_ticks(lo, hi, 5, &L->ticks)) != ZF_OK)
        return rc;

    /* caption, bottom up */
    const char *pl = fig->p_label && fig->p_label[0] ? fig->p_label : NULL;
    const char *sq = squeezed ? "; crowded swarms: points drawn smaller" : "";
    size_t clen = strlen(CAPTION_BASE) + strlen(sq) + (pl ? strlen(pl) + 2 : 0) + 1;
    if (!(L->caption = malloc(clen)))
        return zf_error(ZF_ENOMEM, "out of memory");
    snprintf(L->caption, clen, "%s%s%s%s", CAPTION_BASE, sq, pl ? "; " : "", pl ? pl : "");
    zf_canvas_font(cr, CAPTION_PT, 0);
    wrap_caption(cr, L, L->W - 2.0 * MARGIN);
    L->cap_lh = zf_canvas_font_height(cr);
    L->cap_top = L->H - MARGIN - (double)L->ncap * L->cap_lh;

    /* left: rotated y label, tick labels, ticks, axis */
    double x = MARGIN;
    if (fig->ylabel && fig->ylabel[0]) {
        zf_canvas_font(cr, LABEL_PT, 0);
        L->x_ylabel = x;
        x += zf_canvas_font_height(cr) + 0.8;
    }
    zf_canvas_font(cr, TICK_PT, 0);
    double wmax = 0.0;
    for (int k = 0; k < L->ticks.count; k++) {
        char buf[64];
        zf_format_tick(L->ticks.lo + k * L->ticks.step, L->ticks.nfrac, buf, sizeof buf);
        wmax = fmax(wmax, zf_canvas_text_width(cr, buf));
    }
    L->x_ticklab = x + wmax;
    L->x_yaxis = L->x_ticklab + 0.8 + TICK_LEN;
    L->px0 = L->x_yaxis + AXIS_OFFSET;
    L->px1 = L->W - MARGIN - 1.0;
    L->slot = L->ng ? (L->px1 - L->px0) / (double)L->ng : L->px1 - L->px0;
    L->box_w = fmin(0.6 * L->slot, BOX_MAX_W);

    if ((rc = group_labels(cr, fig, L)) != ZF_OK)
        return rc;
    L->y_xaxis = L->names_top - 0.6 - TICK_LEN;
    L->py_bot = L->y_xaxis - AXIS_OFFSET;

    /* top: title, then one level per p bracket */
    double y = MARGIN;
    L->title_top = y;
    if (fig->title && fig->title[0]) {
        L->title_pt = fit_font(cr, fig->title, TITLE_PT, 1, L->W - 2.0 * MARGIN, MIN_TEXT_PT);
        zf_canvas_font(cr, L->title_pt, 1);
        y += zf_canvas_font_height(cr) + 0.8;
    }
    for (size_t i = 1; i < L->ng; i++)
        if (has_bracket(fig, L, i))
            L->nbr++;
    zf_canvas_font(cr, P_PT, 0);
    L->level_h = zf_canvas_font_height(cr) + 0.3 + BR_TICK + 0.25;
    y += (double)L->nbr * L->level_h;
    L->band_bottom = y;
    L->py_top = y + (L->nbr ? 1.2 : 0.5) + POINT_R;

    if (L->px1 - L->px0 < 10.0 || L->py_bot - L->py_top < 10.0)
        return zf_error(ZF_EINVAL,
                        "figure '%s': %.1f x %.1f mm is too small for %zu groups and %zu p brackets",
                        fig_name(fig), L->W, L->H, L->ng, L->nbr);

    /* swarm in mm; one radius for all groups, shrunk until every swarm fits its box */
    double ph = L->py_bot - L->py_top, span = L->ticks.hi - L->ticks.lo;
    for (size_t i = 0; i < L->ng; i++)
        for (size_t k = 0; k < L->g[i].n; k++)
            L->g[i].u[k] = (L->g[i].v[k] - L->ticks.lo) / span * ph;
    double r = POINT_R;
    int fits = 0;
    for (;;) {
        if ((rc = swarms(L, r, &fits)) != ZF_OK)
            return rc;
        if (fits || r <= POINT_R_MIN)
            break;
        r = fmax(POINT_R_MIN, r * 0.9);
    }
    L->r = r;
    if (r < POINT_R)
        zf_log(ZF_LOG_INFO, "figure '%s': points shrunk to %.2f mm radius so the swarms fit the boxes",
               fig_name(fig), r);
    if (!fits)
        zf_log(ZF_LOG_WARN, "figure '%s': swarms wider than the boxes even at %.2f mm points",
               fig_name(fig), r);
    return ZF_OK;
}

static int layout_build(cairo_t *cr, const zf_box_figure *fig, bs_layout *L)
{
    int rc = layout_pass(cr, fig, L, 0);
    if (rc == ZF_OK && L->r < POINT_R) {
        /* the caption says the swarm had to squeeze: lay out around it */
        layout_free(L);
        rc = layout_pass(cr, fig, L, 1);
    }
    return rc;
}

static void draw_group(cairo_t *cr, const zf_box_figure *fig, const bs_layout *L, size_t i)
{
    const bs_group *g = &L->g[i];
    uint32_t col = fig->rgb ? fig->rgb[i] : zf_plot_group_rgb(i);
    double cx = group_x(L, i), hw = L->box_w / 2.0;
    if (g->n == 0)
        return;
    double yq1 = data_y(L, g->q1), yq3 = data_y(L, g->q3), ymed = data_y(L, g->med);
    /* whiskers and caps */
    zf_canvas_rgb(cr, INK);
    zf_canvas_line(cr, cx, yq3, cx, data_y(L, g->whi), BOX_LW_PT);
    zf_canvas_line(cr, cx, yq1, cx, data_y(L, g->wlo), BOX_LW_PT);
    zf_canvas_line(cr, cx - 0.4 * hw, data_y(L, g->whi), cx + 0.4 * hw, data_y(L, g->whi), BOX_LW_PT);
    zf_canvas_line(cr, cx - 0.4 * hw, data_y(L, g->wlo), cx + 0.4 * hw, data_y(L, g->wlo), BOX_LW_PT);
    /* box: light tint of the group colour */
    cairo_rectangle(cr, cx - hw, yq3, 2.0 * hw, yq1 - yq3);
    zf_canvas_rgb(cr, zf_rgb_lighten(col, 0.75));
    cairo_fill_preserve(cr);
    zf_canvas_rgb(cr, INK);
    cairo_set_line_width(cr, BOX_LW_PT * ZF_MM_PER_PT);
    cairo_stroke(cr);
    /* every fish */
    cairo_set_line_width(cr, POINT_EDGE_PT * ZF_MM_PER_PT);
    for (size_t k = 0; k < g->n; k++) {
        cairo_new_sub_path(cr);
        cairo_arc(cr, cx + g->x[k], L->py_bot - g->u[k], L->r - 0.5 * POINT_EDGE_PT * ZF_MM_PER_PT,
                  0.0, 2.0 * 3.14159265358979323846);
        zf_canvas_rgb(cr, col);
        cairo_fill_preserve(cr);
        zf_canvas_rgb(cr, zf_rgb_darken(col, 0.6));
        cairo_stroke(cr);
    }
    /* median last so that points never hide it */
    zf_canvas_rgb(cr, INK);
    zf_canvas_line(cr, cx - hw, ymed, cx + hw, ymed, MEDIAN_LW_PT);
}

static void draw_figure(cairo_t *cr, const zf_box_figure *fig, const bs_layout *L)
{
    char buf[96];

    /* the figure's own rectangle only: it may be one cell of a panel */
    cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
    cairo_rectangle(cr, 0.0, 0.0, L->W, L->H);
    cairo_fill(cr);
    zf_canvas_rgb(cr, INK);

    if (fig->title && fig->title[0]) {
        zf_canvas_font(cr, L->title_pt, 1);
        double w = zf_canvas_text_width(cr, fig->title);
        double cxt = fmin(fmax((L->px0 + L->px1) / 2.0, MARGIN + w / 2.0), L->W - MARGIN - w / 2.0);
        zf_canvas_text(cr, cxt, L->title_top, fig->title, 0.5, ZF_VALIGN_TOP);
    }

    /* y axis: line over the tick range, ticks, labels */
    double ylo = data_y(L, L->ticks.lo), yhi = data_y(L, L->ticks.hi);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_SQUARE);
    zf_canvas_line(cr, L->x_yaxis, ylo, L->x_yaxis, yhi, AXIS_LW_PT);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    zf_canvas_font(cr, TICK_PT, 0);
    for (int k = 0; k < L->ticks.count; k++) {
        double v = L->ticks.lo + k * L->ticks.step;
        double ty = data_y(L, v);
        zf_canvas_line(cr, L->x_yaxis - TICK_LEN, ty, L->x_yaxis, ty, AXIS_LW_PT);
        zf_format_tick(v, L->ticks.nfrac, buf, sizeof buf);
        zf_canvas_text(cr, L->x_ticklab, ty, buf, 1.0, ZF_VALIGN_MIDDLE);
    }
    if (fig->ylabel && fig->ylabel[0]) {
        zf_canvas_font(cr, LABEL_PT, 0);
        zf_canvas_text_vertical(cr, L->x_ylabel, (ylo + yhi) / 2.0, fig->ylabel, 0.5, ZF_VALIGN_TOP);
    }

    /* x axis: line, a tick per group, name and n below */
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_SQUARE);
    zf_canvas_line(cr, L->px0, L->y_xaxis, L->px1, L->y_xaxis, AXIS_LW_PT);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    for (size_t i = 0; i < L->ng; i++) {
        double cx = group_x(L, i);
        zf_canvas_line(cr, cx, L->y_xaxis, cx, L->y_xaxis + TICK_LEN, AXIS_LW_PT);
        zf_canvas_font(cr, L->name_pt, 0);
        if (L->names_rotated) {
            cairo_save(cr);
            cairo_translate(cr, cx, L->names_top);
            cairo_rotate(cr, -SIN45_ANGLE);
            zf_canvas_text(cr, 0.0, 0.0, L->glabel[i], 1.0, ZF_VALIGN_TOP);
            cairo_restore(cr);
            continue;
        }
        zf_canvas_text(cr, cx, L->names_top, fig->groups[i].name, 0.5, ZF_VALIGN_TOP);
        zf_canvas_font(cr, L->n_pt, 0);
        snprintf(buf, sizeof buf, "n = %zu", L->g[i].n);
        zf_canvas_text(cr, cx, L->n_top, buf, 0.5, ZF_VALIGN_TOP);
    }

    for (size_t i = 0; i < L->ng; i++)
        draw_group(cr, fig, L, i);

    if (!L->has_data) {
        zf_canvas_rgb(cr, CAPTION_INK);
        zf_canvas_font(cr, TICK_PT, 0);
        zf_canvas_text(cr, (L->px0 + L->px1) / 2.0, (L->py_top + L->py_bot) / 2.0, "no data", 0.5,
                       ZF_VALIGN_MIDDLE);
    }

    /* p brackets vs control, nearest group lowest */
    zf_canvas_rgb(cr, INK);
    zf_canvas_font(cr, P_PT, 0);
    size_t level = 0;
    for (size_t i = 1; i < L->ng; i++) {
        if (!has_bracket(fig, L, i))
            continue;
        double p = fig->p[i];
        double ly = L->band_bottom - (double)level * L->level_h - 0.1;
        double tick = BR_TICK;
        double x0 = group_x(L, 0), x1 = group_x(L, i);
        cairo_set_line_width(cr, AXIS_LW_PT * ZF_MM_PER_PT);
        cairo_move_to(cr, x0, ly + tick);
        cairo_line_to(cr, x0, ly);
        cairo_line_to(cr, x1, ly);
        cairo_line_to(cr, x1, ly + tick);
        cairo_stroke(cr);
        char ptxt[48];
        zf_p_format(p, ptxt, sizeof ptxt);
        snprintf(buf, sizeof buf, "%s %s", ptxt, zf_p_stars(p));
        double w = zf_canvas_text_width(cr, buf);
        double cxl = fmin(fmax((x0 + x1) / 2.0, MARGIN + w / 2.0), L->W - MARGIN - w / 2.0);
        zf_canvas_text(cr, cxl, ly - 0.3, buf, 0.5, ZF_VALIGN_BOTTOM);
        level++;
    }

    zf_canvas_rgb(cr, CAPTION_INK);
    zf_canvas_font(cr, CAPTION_PT, 0);
    for (size_t k = 0; k < L->ncap; k++)
        zf_canvas_text(cr, MARGIN, L->cap_top + (double)k * L->cap_lh, L->cap_line[k], 0.0,
                       ZF_VALIGN_TOP);
}

/* Lay out and draw on cr (user units mm, origin at the figure's corner),
 * recording the data rectangle and points as marks of f. */
static int render(cairo_t *cr, const zf_box_figure *fig, const char *path, zf_fig *f, double ox, double oy)
{
    bs_layout L;
    zf_canvas_setup(cr);
    int rc = zf_canvas_set_family(cr, fig->font);
    if (rc != ZF_OK)
        return rc;
    rc = layout_build(cr, fig, &L);
    if (rc == ZF_OK && cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        rc = zf_cairo_error(cairo_status(cr), path);
    if (rc == ZF_OK) {
        draw_figure(cr, fig, &L);
        rc = zf_cairo_error(cairo_status(cr), path);
    }
    if (rc == ZF_OK && f) {
        zf_fig_mark(f, ZF_MARK_DATA, 0, 0, ox + L.px0, oy + L.py_top, L.px1 - L.px0, L.py_bot - L.py_top,
                    L.ticks.lo, L.ticks.hi);
        for (size_t g = 0; g < L.ng; g++)
            for (size_t k = 0; k < L.g[g].n; k++)
                zf_fig_mark(f, ZF_MARK_POINT, g, L.g[g].idx[k], ox + group_x(&L, g) + L.g[g].x[k],
                            oy + L.py_bot - L.g[g].u[k], L.r, 0.0, L.g[g].v[k], L.g[g].v[k]);
    }
    layout_free(&L);
    return rc;
}

static int check_figure(const zf_box_figure *fig, const char *path, int *dpi)
{
    if (!fig || !path)
        return zf_error(ZF_EINVAL, "box figure: NULL figure or path");
    double w = fig->width_mm > 0 ? fig->width_mm : DEF_WIDTH_MM;
    double h = fig->height_mm > 0 ? fig->height_mm : DEF_HEIGHT_MM;
    *dpi = fig->dpi > 0 ? fig->dpi : DEF_DPI;
    if (!(w <= 2000.0 && h <= 2000.0) || fig->width_mm < 0 || fig->height_mm < 0 ||
        fig->dpi < 0 || *dpi > 2400 || zf_mm_to_px(w, *dpi) * (double)zf_mm_to_px(h, *dpi) > 1e8)
        return zf_error(ZF_EINVAL, "'%s': figure size %g x %g mm at %d dpi is out of range", path,
                        w, h, *dpi);
    return ZF_OK;
}

int zf_box_draw(cairo_t *cr, const zf_box_figure *fig, double x, double y, zf_fig *f)
{
    cairo_save(cr);
    cairo_translate(cr, x, y);
    int rc = render(cr, fig, "(box figure)", f, x, y);
    cairo_restore(cr);
    return rc;
}

typedef struct box_job {
    const zf_box_figure *fig;
    const char *path;
} box_job;

static int render_job(cairo_t *cr, void *arg)
{
    const box_job *j = arg;
    cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
    cairo_paint(cr); /* every pixel, also the last partial one */
    return render(cr, j->fig, j->path, NULL, 0.0, 0.0);
}

int zf_plot_box_swarm(const zf_box_figure *fig, const char *path, const zf_png_text *text,
                      size_t ntext)
{
    int dpi = DEF_DPI;
    int rc = check_figure(fig, path, &dpi);
    if (rc != ZF_OK)
        return rc;
    box_job job = {fig, path};
    return zf_plot_output(path, fig->width_mm > 0 ? fig->width_mm : DEF_WIDTH_MM,
                          fig->height_mm > 0 ? fig->height_mm : DEF_HEIGHT_MM, dpi, fig->title, text,
                          ntext, render_job, &job);
}

int zf_box_point_px(const zf_box_figure *fig, size_t g, size_t k, double *x_px, double *y_px,
                    double *r_px)
{
    int rc = ZF_OK, dpi = DEF_DPI;
    cairo_surface_t *surf = NULL;
    cairo_t *cr = NULL;
    bs_layout L;
    memset(&L, 0, sizeof L);

    if ((rc = check_figure(fig, "(layout)", &dpi)) != ZF_OK)
        goto done;
    if (g >= fig->ngroups || k >= fig->groups[g].n || !isfinite(fig->groups[g].values[k])) {
        rc = zf_error(ZF_EINVAL, "no point for group %zu value %zu", g, k);
        goto done;
    }
    /* measure text with the same scale and font options as the PNG render */
    surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    cr = cairo_create(surf);
    if ((rc = zf_cairo_error(cairo_status(cr), "(layout)")) != ZF_OK)
        goto done;
    cairo_scale(cr, (double)dpi / 25.4, (double)dpi / 25.4);
    zf_canvas_setup(cr);
    if ((rc = zf_canvas_set_family(cr, fig->font)) != ZF_OK || (rc = layout_build(cr, fig, &L)) != ZF_OK)
        goto done;
    const bs_group *bg = &L.g[g];
    size_t j = 0;
    while (j < bg->n && bg->idx[j] != k)
        j++;
    double s = (double)dpi / 25.4;
    *x_px = (group_x(&L, g) + bg->x[j]) * s;
    *y_px = (L.py_bot - bg->u[j]) * s;
    *r_px = L.r * s;
done:
    layout_free(&L);
    if (cr)
        cairo_destroy(cr);
    if (surf)
        cairo_surface_destroy(surf);
    return rc;
}
