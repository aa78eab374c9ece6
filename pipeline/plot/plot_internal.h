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

/* Beeswarm ng groups (u[g][0..n[g]) ascending, mm) with one radius for all:
 * r_max, shrunk in 10% steps down to r_min until every swarm keeps within
 * half_width of its centre line (points never overlap, whatever the radius).
 * x[g] gets the offsets, *r the radius used, *fits 0 when even r_min is too
 * wide (the swarms then spill over their half width). */
int zf_swarm_fit(double *const *u, const size_t *n, size_t ng, double half_width, double r_max,
                 double r_min, double *const *x, double *r, int *fits);

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

/* zf_png_write from cairo CAIRO_FORMAT_ARGB32 rows: an opaque image goes to
 * libpng as it is (RGB file, no conversion pass), a translucent one through
 * zf_argb32_to_rgba (RGBA file). */
int zf_png_write_argb32(const char *path, const unsigned char *argb, int width, int height,
                        size_t stride, int dpi, const zf_png_text *text, size_t ntext);

/* ---- SVG ------------------------------------------------------------------ */

/* cairo numbers SVG groups and embedded images from process-wide counters
 * ("surface146", "image1053"), so a figure's bytes would depend on what was
 * drawn before it. Renumber "surfaceN" / "imageN" ids and their "#..."
 * references in order of first appearance (surface1, image1, ...) into a
 * new malloc'd buffer. */
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

/* ---- shared style (lengths in mm, text in pt) ------------------------------ */

#define ZF_MARGIN 1.5
#define ZF_TITLE_PT 9.0
#define ZF_LABEL_PT 8.0
#define ZF_TICK_PT 7.0
#define ZF_LEGEND_PT 7.0
#define ZF_CAPTION_PT 6.0
#define ZF_LETTER_PT 11.0
#define ZF_AXIS_LW_PT 0.6
#define ZF_TICK_LEN 1.0
#define ZF_INK 0x222222u
#define ZF_CAPTION_INK 0x444444u
#define ZF_PI 3.14159265358979323846

/* The font family of every text drawn on cr ("DejaVu Sans" until set); the
 * string must outlive cr's drawing. ZF_ENOMEM when it cannot be attached. */
int zf_canvas_set_family(cairo_t *cr, const char *family);

void zf_canvas_rgba(cairo_t *cr, uint32_t rgb, double alpha);
/* rgb moved towards white by t (0: unchanged, 1: white) / darkened by factor f. */
uint32_t zf_rgb_lighten(uint32_t rgb, double t);
uint32_t zf_rgb_darken(uint32_t rgb, double f);
/* A filled point with a darker 0.3 pt rim. */
void zf_canvas_point(cairo_t *cr, double x, double y, double r, uint32_t rgb);
/* viridis (matplotlib) at t in [0, 1] (clamped) as 0xRRGGBB. */
uint32_t zf_viridis(double t);

/* Word wrap of text (modified in place: breaks become NULs) into at most max
 * lines no wider than width in the current font, breaking after "; " where a
 * line can end there, else at the last space that fits. Returns the count. */
size_t zf_wrap_text(cairo_t *cr, char *text, double width, const char **lines, size_t max);

/* ---- axes ------------------------------------------------------------------- */

/* A numeric axis: data values v0..v1 shown at page positions p0..p1 (mm);
 * linear with nice ticks, or log10 with decade ticks (and 2..9 minor ticks).
 * A broken axis shows one extra value (a dose of 0 on a log axis) on a short
 * separate segment at brk_pos, with a break mark between the two. */
typedef struct zf_axis {
    int log;
    double v0, v1;
    double p0, p1;
    zf_ticks t;         /* linear ticks; log: t.lo/t.hi are the decade exponents */
    int broken;
    double brk_value, brk_pos;
} zf_axis;

/* Linear axis covering [lo, hi] (nice ticks, about target of them). */
int zf_axis_linear(zf_axis *a, double lo, double hi, int target);
/* Log axis covering [lo, hi] (lo > 0), widened to whole decades. */
int zf_axis_logscale(zf_axis *a, double lo, double hi);
void zf_axis_place(zf_axis *a, double p0, double p1);
/* Page position of v (the break segment for brk_value; NaN for v <= 0 on a log axis). */
double zf_axis_pos(const zf_axis *a, double v);
/* Tick values in order (major flags 1 / minor 0); returns the count (<= max). */
size_t zf_axis_ticks(const zf_axis *a, double *v, int *major, size_t max);
void zf_axis_tick_label(const zf_axis *a, double v, char *buf, size_t size);
/* Widest major tick label in the current font. */
double zf_axis_label_width(cairo_t *cr, const zf_axis *a);
/* The axis line, ticks and labels (ZF_TICK_PT) left of x / below y. */
void zf_axis_draw_left(cairo_t *cr, const zf_axis *a, double x);
void zf_axis_draw_right(cairo_t *cr, const zf_axis *a, double x);
void zf_axis_draw_bottom(cairo_t *cr, const zf_axis *a, double y);

/* ---- legends, colour bars, panel letters ------------------------------------ */

enum { ZF_LEG_POINT, ZF_LEG_LINE, ZF_LEG_PATCH };
typedef struct zf_legend_item {
    const char *label;
    uint32_t rgb;
    int style;
} zf_legend_item;
/* A legend in rows no wider than width: returns its height; draws when draw != 0. */
double zf_legend(cairo_t *cr, const zf_legend_item *items, size_t n, double x, double y, double width,
                 int draw);
/* A vertical viridis bar of x, y, w, h with its axis (v0 bottom, v1 top) and
 * label on the right; returns the width taken by ticks and label. */
double zf_colourbar(cairo_t *cr, const zf_axis *a, double x, double y, double w, double h,
                    const char *label, int draw);
void zf_panel_letter(cairo_t *cr, double x, double y, size_t i);

/* ---- output ------------------------------------------------------------------ */

/* Draws a W x H mm figure on cr (user units mm). */
typedef int (*zf_render_fn)(cairo_t *cr, void *arg);
/* Render and write path (.png at dpi, .pdf, .svg): atomic, deterministic.
 * title goes into the PDF metadata. text is read after fn has drawn (so fn
 * may complete it). */
int zf_plot_output(const char *path, double W, double H, int dpi, const char *title,
                   const zf_png_text *text, size_t ntext, zf_render_fn fn, void *arg);
/* Size checks shared by the figure entry points. */
int zf_plot_check_size(double W, double H, int dpi, const char *path);

/* ---- figures ------------------------------------------------------------------ */

/* What a test can ask a rendering for, in mm from the top-left corner. */
enum {
    ZF_MARK_POINT,   /* a fish: a = group, b = subject; x, y centre; w radius */
    ZF_MARK_DATA,    /* a data rectangle x, y, w, h; v0 (bottom) .. v1 (top) its y range */
    ZF_MARK_MEAN,    /* a group mean: a = group, b = bin (timecourse) or dose level */
    ZF_MARK_EFFECT,  /* an effect dot: a = group; y at the estimate */
    ZF_MARK_LEGEND,  /* a legend or colour bar rectangle */
    ZF_MARK_TANK,    /* an arena drawing: a = group, b = subject (trajectory) or -1 (heatmap) */
    ZF_MARK_EC50,    /* x at the EC50 */
    ZF_MARK_CELL     /* a panel cell: a = index */
};
typedef struct zf_plot_mark {
    int what;
    size_t a, b;
    double x, y, w, h;
    double v0, v1;
} zf_plot_mark;
typedef struct zf_plot_marks {
    zf_plot_mark *m;
    size_t n, cap;
} zf_plot_marks;
void zf_plot_marks_free(zf_plot_marks *m);

struct zf_fig {
    cairo_t *cr;
    const zf_plot_source *src;
    double W, H;             /* the whole figure */
    zf_plot_marks *marks;    /* NULL unless asked */
    int in_panel;            /* 1 while drawing a panel's cell: room for the letter */
    char procedure[768];     /* what was computed and drawn (PNG tEXt "Procedure") */
};
typedef struct zf_fig zf_fig;

/* Record a mark (ignored without f->marks; out of memory is ignored too:
 * marks are a test aid, never needed for the figure). */
void zf_fig_mark(zf_fig *f, int what, size_t a, size_t b, double x, double y, double w, double h,
                 double v0, double v1);
/* Append "; text" to the procedure. */
void zf_fig_procedure(zf_fig *f, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Levels a figure shows: spec->groups mapped onto src->levels (by name or
 * label), else every level. *idx malloc'd. ZF_EINVAL naming an unknown group. */
int zf_fig_levels(const zf_fig *f, const zf_figure_spec *spec, size_t **idx, size_t *n);
/* "label (unit)", or label alone for a dimensionless unit. */
void zf_series_axis_label(const zf_plot_series *s, char *buf, size_t size);
/* Label of level i of the source. */
const char *zf_level_label(const zf_plot_source *src, size_t i);
/* Load metric name (src->metric) / binned (src->binned) with a clear error. */
int zf_fig_metric(zf_fig *f, const char *name, zf_plot_series *out);
int zf_fig_binned(zf_fig *f, const char *name, zf_plot_series *out);

/* One group's values of a per-subject metric. */
typedef struct zf_gvals {
    size_t nraw;        /* fish in the group */
    double *raw;        /* their values in subject order (NaN kept): the stats module's sample */
    size_t n;           /* finite values */
    double *v;          /* sorted ascending */
    size_t *subj;       /* subject of v[k] */
    double mean, sd, sem, median; /* NaN when undefined */
} zf_gvals;
int zf_gvals_build(const zf_plot_source *src, const double *v, size_t level, zf_gvals *out);
void zf_gvals_free(zf_gvals *g);
/* Two-sided 95% t quantile with df degrees of freedom (NaN for df < 1). */
double zf_t975(double df);

/* Cell layout helpers: the title line at the top of a cell (leaving room for
 * a panel letter), returning the y below it; the caption at the bottom,
 * returning its top. */
double zf_fig_title(zf_fig *f, const char *title, double x, double y, double w, int draw);
double zf_fig_caption(zf_fig *f, const char *text, double x, double y, double w, double h, int draw);

/* The kinds (one file each). */
int zf_draw_estimation(zf_fig *f, const zf_figure_spec *spec, double x, double y, double w, double h);
int zf_draw_box(zf_fig *f, const zf_figure_spec *spec, double x, double y, double w, double h);
int zf_draw_timecourse(zf_fig *f, const zf_figure_spec *spec, double x, double y, double w, double h);
int zf_draw_trajectory(zf_fig *f, const zf_figure_spec *spec, double x, double y, double w, double h);
int zf_draw_heatmap(zf_fig *f, const zf_figure_spec *spec, double x, double y, double w, double h);
int zf_draw_doseresponse(zf_fig *f, const zf_figure_spec *spec, double x, double y, double w, double h);
int zf_draw_panel(zf_fig *f, const zf_figure_spec *spec, double x, double y, double w, double h);

/* A rotated axis label (left edge at x, centred on ymid), shrunk from
 * ZF_LABEL_PT down to 5.5 pt so that it fits length. */
void zf_fig_ylabel(zf_fig *f, double x, double ymid, const char *label, double length);

/* The natural height of a trajectory / heatmap figure w mm wide. */
double zf_arena_height(zf_fig *f, const zf_figure_spec *spec, int heatmap, double w);

/* Draw spec as zf_plot_figure does, in memory at its dpi, recording the marks. */
int zf_plot_figure_marks(const zf_figure_spec *spec, const zf_plot_source *src, zf_plot_marks *marks);
/* Figure size of spec (the kind's default for 0; trajectory and heatmap
 * heights follow from their layout). */
int zf_plot_figure_size(const zf_figure_spec *spec, const zf_plot_source *src, double *W, double *H);

/* Draw the box figure in the cell whose top-left corner is (x, y), of size
 * fig->width_mm x fig->height_mm (the figure's own layout), recording the
 * points and data rectangle as marks of f (may be NULL). */
int zf_box_draw(cairo_t *cr, const zf_box_figure *fig, double x, double y, zf_fig *f);

/* ---- box + swarm layout ---------------------------------------------------- */

/* Centre of the point drawn for groups[g].values[k] in a rendering of fig at
 * its dpi, in pixels from the top-left corner of the PNG (pixel centres at
 * +0.5), and the point radius in pixels. ZF_EINVAL if that value is NaN or
 * out of range. */
int zf_box_point_px(const zf_box_figure *fig, size_t g, size_t k, double *x_px, double *y_px,
                    double *r_px);

#endif
