/* axis.c: numeric axes in mm: linear (nice ticks), log10 (decades with minor ticks) and broken (one value on a separate segment). */
#include "plot/plot_internal.h"

#include "zfstress/core.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int zf_axis_linear(zf_axis *a, double lo, double hi, int target)
{
    memset(a, 0, sizeof *a);
    int rc = zf_nice_ticks(lo, hi, target, &a->t);
    if (rc != ZF_OK)
        return rc;
    a->v0 = a->t.lo;
    a->v1 = a->t.hi;
    a->p0 = 0.0;
    a->p1 = 1.0;
    return ZF_OK;
}

int zf_axis_logscale(zf_axis *a, double lo, double hi)
{
    memset(a, 0, sizeof *a);
    if (!(lo > 0.0) || !(hi >= lo) || !isfinite(hi))
        return zf_error(ZF_EINVAL, "log axis: range [%g, %g] must be positive", lo, hi);
    double e0 = floor(log10(lo) + 1e-9), e1 = ceil(log10(hi) - 1e-9);
    if (e1 <= e0)
        e1 = e0 + 1.0;
    if (e1 - e0 > 30.0)
        return zf_error(ZF_EINVAL, "log axis: range [%g, %g] spans too many decades", lo, hi);
    a->log = 1;
    a->t.lo = e0;
    a->t.hi = e1;
    a->t.step = 1.0;
    a->t.count = (int)(e1 - e0) + 1;
    a->v0 = pow(10.0, e0);
    a->v1 = pow(10.0, e1);
    a->p0 = 0.0;
    a->p1 = 1.0;
    return ZF_OK;
}

void zf_axis_place(zf_axis *a, double p0, double p1)
{
    a->p0 = p0;
    a->p1 = p1;
}

double zf_axis_pos(const zf_axis *a, double v)
{
    if (a->broken && v == a->brk_value)
        return a->brk_pos;
    double f;
    if (a->log) {
        if (!(v > 0.0))
            return NAN;
        f = (log10(v) - a->t.lo) / (a->t.hi - a->t.lo);
    } else {
        f = (v - a->v0) / (a->v1 - a->v0);
    }
    return a->p0 + f * (a->p1 - a->p0);
}

size_t zf_axis_ticks(const zf_axis *a, double *v, int *major, size_t max)
{
    size_t n = 0;
    if (!a->log) {
        for (int k = 0; k < a->t.count && n < max; k++) {
            v[n] = a->t.lo + k * a->t.step;
            if (fabs(v[n]) < 1e-9 * a->t.step)
                v[n] = 0.0;
            major[n++] = 1;
        }
        return n;
    }
    for (double e = a->t.lo; e <= a->t.hi + 0.5 && n < max; e += 1.0) {
        double d = pow(10.0, e);
        v[n] = d;
        major[n++] = 1;
        for (int m = 2; m <= 9 && e < a->t.hi - 0.5 && n < max; m++) {
            v[n] = m * d;
            major[n++] = 0;
        }
    }
    return n;
}

void zf_axis_tick_label(const zf_axis *a, double v, char *buf, size_t size)
{
    if (!a->log) {
        zf_format_tick(v, a->t.nfrac, buf, size);
        return;
    }
    double e = round(log10(v));
    if (e >= -3.0 && e <= 4.0) {
        snprintf(buf, size, "%.*f", e < 0 ? (int)-e : 0, v);
        return;
    }
    /* 10 with a superscript exponent (U+2070.. digits, U+207B minus) */
    static const char *const sup[10] = {"\xe2\x81\xb0", "\xc2\xb9", "\xc2\xb2", "\xc2\xb3",
                                        "\xe2\x81\xb4", "\xe2\x81\xb5", "\xe2\x81\xb6", "\xe2\x81\xb7",
                                        "\xe2\x81\xb8", "\xe2\x81\xb9"};
    char digits[16];
    snprintf(digits, sizeof digits, "%d", (int)fabs(e));
    size_t at = (size_t)snprintf(buf, size, "10%s", e < 0 ? "\xe2\x81\xbb" : "");
    for (const char *d = digits; *d && at < size; d++) {
        int w = snprintf(buf + at, size - at, "%s", sup[*d - '0']);
        if (w < 0)
            break;
        at += (size_t)w;
    }
}

#define MAXTICKS 128

double zf_axis_label_width(cairo_t *cr, const zf_axis *a)
{
    double v[MAXTICKS], w = 0.0;
    int major[MAXTICKS];
    char buf[64];
    size_t n = zf_axis_ticks(a, v, major, MAXTICKS);
    for (size_t i = 0; i < n; i++) {
        if (!major[i])
            continue;
        zf_axis_tick_label(a, v[i], buf, sizeof buf);
        w = fmax(w, zf_canvas_text_width(cr, buf));
    }
    if (a->broken) {
        zf_axis_tick_label(a, a->brk_value, buf, sizeof buf);
        if (a->log)
            snprintf(buf, sizeof buf, "%g", a->brk_value);
        w = fmax(w, zf_canvas_text_width(cr, buf));
    }
    return w;
}

enum { SIDE_LEFT, SIDE_RIGHT, SIDE_BOTTOM };

/* Map (along, across) to page x, y for the side. */
static void side_xy(int side, double along, double across, double *x, double *y)
{
    if (side == SIDE_BOTTOM) {
        *x = along;
        *y = across;
    } else {
        *x = across;
        *y = along;
    }
}

static void side_line(cairo_t *cr, int side, double a0, double c0, double a1, double c1, double lw)
{
    double x0, y0, x1, y1;
    side_xy(side, a0, c0, &x0, &y0);
    side_xy(side, a1, c1, &x1, &y1);
    zf_canvas_line(cr, x0, y0, x1, y1, lw);
}

static void tick_label(cairo_t *cr, int side, double along, double at, const char *s)
{
    if (side == SIDE_LEFT)
        zf_canvas_text(cr, at - ZF_TICK_LEN - 0.8, along, s, 1.0, ZF_VALIGN_MIDDLE);
    else if (side == SIDE_RIGHT)
        zf_canvas_text(cr, at + ZF_TICK_LEN + 0.8, along, s, 0.0, ZF_VALIGN_MIDDLE);
    else
        zf_canvas_text(cr, along, at + ZF_TICK_LEN + 0.5, s, 0.5, ZF_VALIGN_TOP);
}

static void draw_axis(cairo_t *cr, const zf_axis *a, int side, double at)
{
    double v[MAXTICKS];
    int major[MAXTICKS];
    char buf[64];
    double dir = side == SIDE_LEFT ? -1.0 : 1.0; /* ticks point away from the data */
    size_t n = zf_axis_ticks(a, v, major, MAXTICKS);

    zf_canvas_rgb(cr, ZF_INK);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_SQUARE);
    side_line(cr, side, a->p0, at, a->p1, at, ZF_AXIS_LW_PT);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    zf_canvas_font(cr, ZF_TICK_PT, 0);
    for (size_t i = 0; i < n; i++) {
        double p = zf_axis_pos(a, v[i]);
        double len = major[i] ? ZF_TICK_LEN : 0.55 * ZF_TICK_LEN;
        side_line(cr, side, p, at, p, at + dir * len, ZF_AXIS_LW_PT);
        if (!major[i])
            continue;
        zf_axis_tick_label(a, v[i], buf, sizeof buf);
        tick_label(cr, side, p, at, buf);
    }
    if (a->broken) {
        /* the extra value on its own short segment, then a break mark (//) */
        double half = 1.2, p = a->brk_pos, sgn = a->p1 > a->p0 ? 1.0 : -1.0;
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_SQUARE);
        side_line(cr, side, p - half * sgn, at, p + half * sgn, at, ZF_AXIS_LW_PT);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
        side_line(cr, side, p, at, p, at + dir * ZF_TICK_LEN, ZF_AXIS_LW_PT);
        snprintf(buf, sizeof buf, "%g", a->brk_value);
        if (!a->log)
            zf_axis_tick_label(a, a->brk_value, buf, sizeof buf);
        tick_label(cr, side, p, at, buf);
        double mid = (p + half * sgn + a->p0) / 2.0;
        for (int k = -1; k <= 1; k += 2) {
            double m = mid + (double)k * 0.35 * sgn;
            side_line(cr, side, m - 0.35 * sgn, at + 0.7, m + 0.35 * sgn, at - 0.7, ZF_AXIS_LW_PT);
        }
    }
}

void zf_axis_draw_left(cairo_t *cr, const zf_axis *a, double x) { draw_axis(cr, a, SIDE_LEFT, x); }
void zf_axis_draw_right(cairo_t *cr, const zf_axis *a, double x) { draw_axis(cr, a, SIDE_RIGHT, x); }
void zf_axis_draw_bottom(cairo_t *cr, const zf_axis *a, double y) { draw_axis(cr, a, SIDE_BOTTOM, y); }
