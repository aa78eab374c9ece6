/* plot_internal.h: private helpers of the figure module (ticks, beeswarm, p labels, cairo canvas, layout) shared with its unit test. */
#ifndef ZF_PLOT_INTERNAL_H
#define ZF_PLOT_INTERNAL_H

#include "zfstress/plot.h"

#include <cairo.h>

#include <stddef.h>
#include <stdint.h>

/* ---- units -------------------------------------------------------------- */

#define ZF_MM_PER_PT (25.4 / 72.0)
#define ZF_PT_PER_MM (72.0 / 25.4)

/* Pixels of a length in mm at dpi: round(mm / 25.4 * dpi). */
int zf_mm_to_px(double mm, int dpi);

/* ---- axis ticks ---------------------------------------------------------- */

/* "Nice numbers" for graph labels (Heckbert, Graphics Gems I, 1990): the
 * loose labelling lo = floor(min/step)*step <= min, hi = ceil(max/step)*step >= max,
 * count = (hi - lo)/step + 1 ticks, nfrac decimals needed to print them. */
typedef struct zf_ticks {
    double lo, hi, step;
    int count;
    int nfrac;
} zf_ticks;

/* A nice number near x (> 0): 1, 2, 5 or 10 times a power of ten; rounded
 * when round != 0, else the smallest such number >= x. */
double zf_nice_num(double x, int round);

/* Ticks covering [min, max] with about target (>= 2) ticks. min == max is
 * widened to a unit-sized interval around the value. ZF_EINVAL for
 * non-finite input. */
int zf_nice_ticks(double min, double max, int target, zf_ticks *t);

/* Tick label of v with nfrac decimals; negative values get a true minus sign
 * (U+2212), and a value that prints as zero never gets a sign. */
void zf_format_tick(double v, int nfrac, char *buf, size_t size);

/* ---- swarm ----------------------------------------------------------------- */

/* Simple beeswarm: y[0..n) ascending (same units as r), points of radius r are
 * placed in that order, each at the x offset closest to 0 where it does not
 * overlap any point already placed (ties go to the negative side first, which
 * keeps it deterministic). Writes x[0..n). ZF_EINVAL if y is not sorted or r <= 0. */
int zf_beeswarm(const double *y, size_t n, double r, double *x);

/* ---- p values -------------------------------------------------------------- */

/* "p = 0.0123" (3 significant digits), "p < 0.0001"; "" for NaN. */
void zf_p_format(double p, char *buf, size_t size);
/* "****" p < 0.0001, "***" < 0.001, "**" < 0.01, "*" < 0.05, else "ns"; "" for NaN. */
const char *zf_p_stars(double p);

/* ---- colours --------------------------------------------------------------- */

/* Colour of group i as 0xRRGGBB: group 0 (control) is grey #8C8C8C, groups
 * 1.. cycle through the eight Okabe-Ito colours starting at #E69F00. */
uint32_t zf_plot_group_rgb(size_t i);

/* ---- raster conversion ----------------------------------------------------- */

/* cairo CAIRO_FORMAT_ARGB32 (premultiplied, native-endian 32-bit words) to
 * straight-alpha R G B A bytes (dst rows of 4*width bytes). */
void zf_argb32_to_rgba(const unsigned char *src, int width, int height, size_t src_stride,
                       unsigned char *dst);

/* ---- SVG ------------------------------------------------------------------ */

/* cairo numbers SVG groups from a process-wide surface counter ("surface146"),
 * so a figure's bytes would depend on what was drawn before it. Renumber
 * "surfaceN" ids and "#surfaceN" references in order of first appearance
 * (surface1, surface2, ...) into a new malloc'd buffer. */
int zf_svg_renumber_surfaces(const char *in, size_t len, char **out, size_t *out_len);

/* ---- cairo canvas ---------------------------------------------------------- */

/* Map a cairo status to ours, recording "'what': cairo: reason". */
int zf_cairo_error(cairo_status_t st, const char *what);

/* Font settings shared by every back end: DejaVu Sans, no hinting, grey AA. */
void zf_canvas_setup(cairo_t *cr);
void zf_canvas_rgb(cairo_t *cr, uint32_t rgb);
void zf_canvas_font(cairo_t *cr, double size_pt, int bold);
/* Advance width (user units) of s in the current font. */
double zf_canvas_text_width(cairo_t *cr, const char *s);

enum { ZF_VALIGN_BASELINE, ZF_VALIGN_TOP, ZF_VALIGN_MIDDLE, ZF_VALIGN_BOTTOM };
/* Draw s with its anchor at (x, y): halign 0 left, 0.5 centre, 1 right; valign
 * from the font's ascent/descent (independent of the string's ink). */
void zf_canvas_text(cairo_t *cr, double x, double y, const char *s, double halign, int valign);
/* The same, rotated 90 degrees anticlockwise (for a y axis label). */
void zf_canvas_text_vertical(cairo_t *cr, double x, double y, const char *s, double halign,
                             int valign);
/* Font height (ascent + descent) in user units of the current font. */
double zf_canvas_font_height(cairo_t *cr);
void zf_canvas_line(cairo_t *cr, double x0, double y0, double x1, double y1, double width_pt);

/* ---- box + swarm layout ---------------------------------------------------- */

/* Centre of the point drawn for groups[g].values[k] in a rendering of fig at
 * its dpi, in pixels from the top-left corner of the PNG (pixel centres at
 * +0.5), and the point radius in pixels. ZF_EINVAL if that value is NaN or
 * out of range. */
int zf_box_point_px(const zf_box_figure *fig, size_t g, size_t k, double *x_px, double *y_px,
                    double *r_px);

#endif
