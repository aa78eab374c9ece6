/* canvas.c: drawing helpers over cairo in mm user units (text, lines, colours, legends, colour bars), nice axis ticks and p-value labels. */
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
    enum { MAXMAP = 256, NTAG = 2 };
    /* ids that cairo numbers from process-wide counters (surfaces, and the
     * images it embeds by their source surface's id) */
    static const char *const tags[NTAG] = {"surface", "image"};
    unsigned long long from[NTAG][MAXMAP];
    size_t nmap[NTAG] = {0, 0};
    /* each replacement grows by at most 20 digits and needs >= 7 input bytes */
    size_t cap = len + (len / 7 + 1) * 20 + 1;
    char *o = malloc(cap);
    if (!o)
        return zf_error(ZF_ENOMEM, "out of memory");
    size_t at = 0;
    for (size_t i = 0; i < len;) {
        int done = 0;
        for (size_t t = 0; t < NTAG && !done && (in[i] == '"' || in[i] == '#'); t++) {
            size_t tl = strlen(tags[t]);
            if (!(len - i > tl + 1 && memcmp(in + i + 1, tags[t], tl) == 0 && in[i + 1 + tl] >= '0' &&
                  in[i + 1 + tl] <= '9'))
                continue;
            size_t j = i + 1 + tl;
            unsigned long long num = 0;
            while (j < len && in[j] >= '0' && in[j] <= '9' && num < 100000000000000000ULL)
                num = num * 10 + (unsigned long long)(in[j++] - '0');
            size_t k = 0;
            while (k < nmap[t] && from[t][k] != num)
                k++;
            if (k == nmap[t] && nmap[t] < MAXMAP)
                from[t][nmap[t]++] = num;
            if (k < MAXMAP) {
                int w = snprintf(o + at, cap - at, "%c%s%zu", in[i], tags[t], k + 1);
                at += (size_t)w;
                i = j;
                done = 1;
            }
        }
        if (!done)
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

/* The family travels with the cairo context, so every helper that sets a
 * font picks it up without a parameter. */
typedef struct font_family {
    const char *name;
} font_family;
static const cairo_user_data_key_t family_key;

int zf_canvas_set_family(cairo_t *cr, const char *family)
{
    font_family *ff = malloc(sizeof *ff);
    if (!ff)
        return zf_error(ZF_ENOMEM, "out of memory");
    ff->name = family;
    if (cairo_set_user_data(cr, &family_key, ff, free) != CAIRO_STATUS_SUCCESS) {
        free(ff);
        return zf_error(ZF_ENOMEM, "out of memory");
    }
    return ZF_OK;
}

void zf_canvas_font(cairo_t *cr, double size_pt, int bold)
{
    const font_family *ff = cairo_get_user_data(cr, &family_key);
    const char *name = ff && ff->name && ff->name[0] ? ff->name : "DejaVu Sans";
    cairo_select_font_face(cr, name, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size_pt * ZF_MM_PER_PT);
}

void zf_canvas_rgba(cairo_t *cr, uint32_t rgb, double alpha)
{
    cairo_set_source_rgba(cr, (double)((rgb >> 16) & 0xFF) / 255.0,
                          (double)((rgb >> 8) & 0xFF) / 255.0, (double)(rgb & 0xFF) / 255.0, alpha);
}

uint32_t zf_rgb_lighten(uint32_t rgb, double t)
{
    uint32_t out = 0;
    for (int sh = 16; sh >= 0; sh -= 8) {
        double c = (double)((rgb >> sh) & 0xFFu);
        out |= (uint32_t)lround(c + (255.0 - c) * t) << sh;
    }
    return out;
}

uint32_t zf_rgb_darken(uint32_t rgb, double f)
{
    uint32_t out = 0;
    for (int sh = 16; sh >= 0; sh -= 8)
        out |= (uint32_t)lround((double)((rgb >> sh) & 0xFFu) * f) << sh;
    return out;
}

void zf_canvas_point(cairo_t *cr, double x, double y, double r, uint32_t rgb)
{
    cairo_new_path(cr);
    cairo_set_line_width(cr, 0.3 * ZF_MM_PER_PT);
    cairo_arc(cr, x, y, r - 0.15 * ZF_MM_PER_PT, 0.0, 2.0 * zf_pi);
    zf_canvas_rgb(cr, rgb);
    cairo_fill_preserve(cr);
    zf_canvas_rgb(cr, zf_rgb_darken(rgb, 0.6));
    cairo_stroke(cr);
}

uint32_t zf_viridis(double t)
{
    /* matplotlib's viridis at every 8th of its 256 entries (and the last) */
    static const uint32_t v[33] = {
        0x440154, 0x470D60, 0x48186A, 0x482374, 0x472D7B, 0x453781, 0x424086, 0x3E4989, 0x3B528B,
        0x375B8D, 0x33638D, 0x2F6B8E, 0x2C728E, 0x297A8E, 0x26828E, 0x23898E, 0x21918C, 0x1F988B,
        0x1FA088, 0x22A785, 0x28AE80, 0x32B67A, 0x3FBC73, 0x4EC36B, 0x5EC962, 0x70CF57, 0x84D44B,
        0x98D83E, 0xADDC30, 0xC2DF23, 0xD8E219, 0xECE51B, 0xFDE725};
    if (!(t > 0.0))
        return v[0];
    if (t >= 1.0)
        return v[32];
    double pos = t * 255.0; /* entry index */
    size_t k = (size_t)(pos / 8.0);
    if (k > 31)
        k = 31;
    double p0 = (double)k * 8.0, p1 = k == 31 ? 255.0 : p0 + 8.0;
    double f = (pos - p0) / (p1 - p0);
    uint32_t out = 0;
    for (int sh = 16; sh >= 0; sh -= 8) {
        double a = (double)((v[k] >> sh) & 0xFFu), b = (double)((v[k + 1] >> sh) & 0xFFu);
        out |= (uint32_t)lround(a + (b - a) * f) << sh;
    }
    return out;
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

/* Width of s[0..len) in the current font. */
static double prefix_width(cairo_t *cr, char *s, size_t len)
{
    char save = s[len];
    s[len] = '\0';
    double w = zf_canvas_text_width(cr, s);
    s[len] = save;
    return w;
}

size_t zf_wrap_text(cairo_t *cr, char *s, double width, const char **lines, size_t max)
{
    size_t n = 0;
    while (s && *s && n < max) {
        size_t len = strlen(s);
        if (prefix_width(cr, s, len) <= width || n + 1 == max) {
            lines[n++] = s;
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
        /* a break after "; " only when it does not leave the line short */
        size_t brk = at_semi && (double)at_semi > 0.6 * (double)at_space ? at_semi : at_space;
        if (!brk) { /* one word wider than the line: break after it anyway */
            const char *sp = strchr(s, ' ');
            if (!sp) {
                lines[n++] = s;
                break;
            }
            brk = (size_t)(sp - s);
        }
        s[brk] = '\0';
        lines[n++] = s;
        s += brk + 1;
    }
    return n;
}

#define LEG_SWATCH 3.0 /* mm of a legend's line sample */
#define LEG_GAP 2.2    /* between items */

static double legend_item_w(cairo_t *cr, const zf_legend_item *it)
{
    return LEG_SWATCH + 1.0 + zf_canvas_text_width(cr, it->label ? it->label : "");
}

double zf_legend(cairo_t *cr, const zf_legend_item *items, size_t n, double x, double y, double width,
                 int draw)
{
    zf_canvas_font(cr, ZF_LEGEND_PT, 0);
    double lh = zf_canvas_font_height(cr) * 1.15;
    double cx = x, cy = y;
    if (n == 0)
        return 0.0;
    for (size_t i = 0; i < n; i++) {
        double w = legend_item_w(cr, &items[i]);
        if (cx > x && cx + w > x + width) {
            cx = x;
            cy += lh;
        }
        if (draw) {
            double my = cy + lh / 2.0;
            switch (items[i].style) {
            case ZF_LEG_LINE:
                zf_canvas_rgb(cr, items[i].rgb);
                zf_canvas_line(cr, cx, my, cx + LEG_SWATCH, my, 1.2);
                zf_canvas_point(cr, cx + LEG_SWATCH / 2.0, my, 0.55, items[i].rgb);
                break;
            case ZF_LEG_PATCH:
                zf_canvas_rgb(cr, items[i].rgb);
                cairo_rectangle(cr, cx, my - lh * 0.3, LEG_SWATCH, lh * 0.6);
                cairo_fill(cr);
                break;
            default:
                zf_canvas_point(cr, cx + LEG_SWATCH / 2.0, my, 0.7, items[i].rgb);
                break;
            }
            zf_canvas_rgb(cr, ZF_INK);
            zf_canvas_font(cr, ZF_LEGEND_PT, 0);
            zf_canvas_text(cr, cx + LEG_SWATCH + 1.0, my, items[i].label, 0.0, ZF_VALIGN_MIDDLE);
        }
        cx += w + LEG_GAP;
    }
    return cy + lh - y;
}

double zf_colourbar(cairo_t *cr, const zf_axis *a, double x, double y, double w, double h,
                    const char *label, int draw)
{
    zf_canvas_font(cr, ZF_TICK_PT, 0);
    double tw = zf_axis_label_width(cr, a);
    zf_canvas_font(cr, ZF_LABEL_PT, 0);
    double lab = label && label[0] ? zf_canvas_font_height(cr) + 0.8 : 0.0;
    if (draw) {
        /* 64 bands: smooth at print size, and the same in PNG, PDF and SVG */
        for (int k = 0; k < 64; k++) {
            double y0 = y + h - (double)(k + 1) * h / 64.0;
            zf_canvas_rgb(cr, zf_viridis(((double)k + 0.5) / 64.0));
            cairo_rectangle(cr, x, y0 - 0.02, w, h / 64.0 + 0.04);
            cairo_fill(cr);
        }
        zf_canvas_rgb(cr, ZF_INK);
        cairo_set_line_width(cr, 0.4 * ZF_MM_PER_PT);
        cairo_rectangle(cr, x, y, w, h);
        cairo_stroke(cr);
        zf_axis ax = *a;
        zf_axis_place(&ax, y + h, y);
        zf_axis_draw_right(cr, &ax, x + w);
        if (lab > 0.0) {
            zf_canvas_font(cr, ZF_LABEL_PT, 0);
            zf_canvas_text_vertical(cr, x + w + ZF_TICK_LEN + 0.8 + tw + 0.8, y + h / 2.0, label, 0.5,
                                    ZF_VALIGN_TOP);
        }
    }
    return ZF_TICK_LEN + 0.8 + tw + 0.8 + lab;
}

void zf_panel_letter(cairo_t *cr, double x, double y, size_t i)
{
    char buf[8];
    if (i < 26)
        snprintf(buf, sizeof buf, "%c", (char)('A' + (int)i));
    else
        snprintf(buf, sizeof buf, "%c%c", (char)('A' + (int)(i / 26 - 1)), (char)('A' + (int)(i % 26)));
    zf_canvas_rgb(cr, 0x000000);
    zf_canvas_font(cr, ZF_LETTER_PT, 1);
    zf_canvas_text(cr, x, y, buf, 0.0, ZF_VALIGN_TOP);
}
