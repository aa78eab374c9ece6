/* canvas.c: drawing helpers over cairo in mm user units (text, lines, colours), nice axis ticks and p-value labels. */
#include "plot/plot_internal.h"

#include "zfstress/core.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double zf_pi = 3.14159265358979323846;

int zf_mm_to_px(double mm, int dpi)
{
    return (int)lround(mm / 25.4 * (double)dpi);
}

double zf_nice_num(double x, int round)
{
    double expv = floor(log10(x));
    double p10 = pow(10.0, expv);
    double f = x / p10;
    double nf;
    if (round)
        nf = f < 1.5 ? 1.0 : f < 3.0 ? 2.0 : f < 7.0 ? 5.0 : 10.0;
    else
        nf = f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0;
    return nf * p10;
}

int zf_nice_ticks(double min, double max, int target, zf_ticks *t)
{
    if (!isfinite(min) || !isfinite(max))
        return zf_error(ZF_EINVAL, "axis range [%g, %g] is not finite", min, max);
    if (!isfinite(max - min))
        return zf_error(ZF_EINVAL, "axis range [%g, %g] is too wide", min, max);
    if (target < 2)
        target = 2;
    if (min > max) {
        double s = min;
        min = max;
        max = s;
    }
    if (max - min <= 1e-12 * fmax(fabs(min), fabs(max))) {
        /* one value: widen by 10% of its magnitude (or 1 around zero) */
        double d = min == 0.0 ? 1.0 : 0.1 * fabs(min);
        min -= d;
        max += d;
    }
    /* Heckbert rounds the range to a nice number first; that often leaves half
     * the axis empty (data 9.8-31 gave 0-40), so the step comes straight from
     * the data range: 9.8-31 gives 5-35 */
    double step = zf_nice_num((max - min) / (double)(target - 1), 1);
    /* tolerance so that a bound sitting on a multiple of step is not pushed
     * one step out by rounding noise */
    double klo = floor(min / step + 1e-9);
    double khi = ceil(max / step - 1e-9);
    if (!(step > 0.0) || !isfinite(step) || khi - klo > 1000.0)
        return zf_error(ZF_EINVAL, "axis range [%g, %g] has no usable ticks", min, max);
    t->step = step;
    t->lo = klo * step;
    t->hi = khi * step;
    if (fabs(t->lo) < 1e-9 * step)
        t->lo = 0.0; /* no "-0" */
    if (fabs(t->hi) < 1e-9 * step)
        t->hi = 0.0;
    t->count = (int)lround(khi - klo) + 1;
    double nf = -floor(log10(step) + 1e-9);
    t->nfrac = nf > 0 ? (int)nf : 0;
    return ZF_OK;
}

void zf_format_tick(double v, int nfrac, char *buf, size_t size)
{
    char digits[64];
    if (size == 0)
        return;
    snprintf(digits, sizeof digits, "%.*f", nfrac, fabs(v));
    int zero = strspn(digits, "0.") == strlen(digits);
    snprintf(buf, size, "%s%s", v < 0 && !zero ? "\xe2\x88\x92" : "", digits);
}

int zf_svg_renumber_surfaces(const char *in, size_t len, char **out, size_t *out_len)
{
    enum { MAXMAP = 256 };
    static const char tag[] = "surface";
    const size_t tl = sizeof tag - 1;
    unsigned long long from[MAXMAP];
    size_t nmap = 0;
    /* each replacement grows by at most 20 digits and needs >= 9 input bytes */
    size_t cap = len + (len / 9 + 1) * 20 + 1;
    char *o = malloc(cap);
    if (!o)
        return zf_error(ZF_ENOMEM, "out of memory");
    size_t at = 0;
    for (size_t i = 0; i < len;) {
        if ((in[i] == '"' || in[i] == '#') && len - i > tl + 1 &&
            memcmp(in + i + 1, tag, tl) == 0 && in[i + 1 + tl] >= '0' && in[i + 1 + tl] <= '9') {
            size_t j = i + 1 + tl;
            unsigned long long num = 0;
            while (j < len && in[j] >= '0' && in[j] <= '9' && num < 100000000000000000ULL)
                num = num * 10 + (unsigned long long)(in[j++] - '0');
            size_t k = 0;
            while (k < nmap && from[k] != num)
                k++;
            if (k == nmap && nmap < MAXMAP)
                from[nmap++] = num;
            if (k < MAXMAP) {
                int w = snprintf(o + at, cap - at, "%c%s%zu", in[i], tag, k + 1);
                at += (size_t)w;
                i = j;
                continue;
            }
        }
        o[at++] = in[i++];
    }
    o[at] = '\0';
    *out = o;
    *out_len = at;
    return ZF_OK;
}

void zf_p_format(double p, char *buf, size_t size)
{
    if (size == 0)
        return;
    if (isnan(p)) {
        buf[0] = '\0';
        return;
    }
    if (p < 0.0001) {
        snprintf(buf, size, "p < 0.0001");
        return;
    }
    /* three significant digits, never in exponent notation */
    int dec = 2 - (int)floor(log10(p));
    if (dec < 2)
        dec = 2;
    snprintf(buf, size, "p = %.*f", dec, p);
}

const char *zf_p_stars(double p)
{
    if (isnan(p))
        return "";
    if (p < 0.0001)
        return "****";
    if (p < 0.001)
        return "***";
    if (p < 0.01)
        return "**";
    if (p < 0.05)
        return "*";
    return "ns";
}

uint32_t zf_plot_group_rgb(size_t i)
{
    static const uint32_t okabe_ito[8] = {0xE69F00, 0x56B4E9, 0x009E73, 0xF0E442,
                                          0x0072B2, 0xD55E00, 0xCC79A7, 0x000000};
    if (i == 0)
        return 0x8C8C8C;
    return okabe_ito[(i - 1) % 8];
}

int zf_cairo_error(cairo_status_t st, const char *what)
{
    if (st == CAIRO_STATUS_SUCCESS)
        return ZF_OK;
    if (st == CAIRO_STATUS_NO_MEMORY)
        return zf_error(ZF_ENOMEM, "'%s': cairo: %s", what, cairo_status_to_string(st));
    if (st == CAIRO_STATUS_INVALID_STRING)
        return zf_error(ZF_EINVAL, "'%s': cairo: %s (labels must be UTF-8)", what,
                        cairo_status_to_string(st));
    return zf_error(ZF_EIO, "'%s': cairo: %s", what, cairo_status_to_string(st));
}

void zf_canvas_setup(cairo_t *cr)
{
    /* unhinted outlines and metrics: text scales exactly with the user units,
     * so the PNG, PDF and SVG share one layout */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_set_font_options(cr, fo); /* copies; an errored fo is ignored by cairo */
    cairo_font_options_destroy(fo);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
}

void zf_canvas_rgb(cairo_t *cr, uint32_t rgb)
{
    cairo_set_source_rgb(cr, (double)((rgb >> 16) & 0xFF) / 255.0,
                         (double)((rgb >> 8) & 0xFF) / 255.0, (double)(rgb & 0xFF) / 255.0);
}

void zf_canvas_font(cairo_t *cr, double size_pt, int bold)
{
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size_pt * ZF_MM_PER_PT);
}

double zf_canvas_text_width(cairo_t *cr, const char *s)
{
    cairo_text_extents_t te;
    cairo_text_extents(cr, s, &te);
    return te.x_advance;
}

double zf_canvas_font_height(cairo_t *cr)
{
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    return fe.ascent + fe.descent;
}

/* Baseline offset from the anchor for a vertical alignment. */
static double baseline_shift(cairo_t *cr, int valign)
{
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    switch (valign) {
    case ZF_VALIGN_TOP:
        return fe.ascent;
    case ZF_VALIGN_MIDDLE:
        return (fe.ascent - fe.descent) / 2.0;
    case ZF_VALIGN_BOTTOM:
        return -fe.descent;
    default:
        return 0.0;
    }
}

void zf_canvas_text(cairo_t *cr, double x, double y, const char *s, double halign, int valign)
{
    if (!s || !s[0])
        return;
    double w = zf_canvas_text_width(cr, s);
    cairo_move_to(cr, x - halign * w, y + baseline_shift(cr, valign));
    cairo_show_text(cr, s);
    cairo_new_path(cr);
}

void zf_canvas_text_vertical(cairo_t *cr, double x, double y, const char *s, double halign,
                             int valign)
{
    if (!s || !s[0])
        return;
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, -zf_pi / 2.0);
    zf_canvas_text(cr, 0.0, 0.0, s, halign, valign);
    cairo_restore(cr);
}

void zf_canvas_line(cairo_t *cr, double x0, double y0, double x1, double y1, double width_pt)
{
    cairo_set_line_width(cr, width_pt * ZF_MM_PER_PT);
    cairo_move_to(cr, x0, y0);
    cairo_line_to(cr, x1, y1);
    cairo_stroke(cr);
}
