/* plot.h: figures drawn with cairo and written as PNG through libpng (pHYs + tEXt), or PDF/SVG through cairo. */
#ifndef ZFSTRESS_PLOT_H
#define ZFSTRESS_PLOT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A tEXt chunk (PNG) / metadata entry. */
typedef struct zf_png_text {
    const char *key;
    const char *value;
} zf_png_text;

/* Write an 8-bit RGBA image (rows of stride bytes, straight alpha, R G B A byte
 * order) to path as PNG with pHYs = dpi and the given tEXt chunks. Atomic
 * (temporary file + rename). No time chunk, so output is byte-reproducible. */
int zf_png_write(const char *path, const unsigned char *rgba, int width, int height,
                 size_t stride, int dpi, const zf_png_text *text, size_t ntext);

/* One group of a box + swarm figure. */
typedef struct zf_plot_group {
    const char *name;
    const double *values;  /* NaN values are skipped */
    size_t n;
} zf_plot_group;

typedef struct zf_box_figure {
    const char *title;        /* metric name, drawn on top */
    const char *ylabel;       /* axis label with unit, e.g. "time in top (s)" */
    const zf_plot_group *groups;
    size_t ngroups;
    const double *p;          /* [ngroups] p vs control (NaN: none drawn); may be NULL */
    const char *p_label;      /* e.g. "Welch t, Holm" — stated in the caption */
    double width_mm, height_mm; /* default 85 x 70 when 0 */
    int dpi;                  /* default 300 when 0 */
} zf_box_figure;

/* Draw a box (type-7 quartiles, whiskers to 1.5 IQR) + swarm figure with n per
 * group under the axis and p values / stars above; format from the extension of
 * path (.png, .pdf, .svg). text goes into PNG tEXt chunks (or PDF metadata). */
/* Colours: groups[0] (control) grey #8C8C8C, then the Okabe-Ito colours from
 * #E69F00 in order. Fonts DejaVu Sans. Output is atomic and deterministic
 * (identical inputs, identical bytes; PDF carries a fixed creation date,
 * SVG has no metadata). ZF_EINVAL when the size leaves no room for the data. */
int zf_plot_box_swarm(const zf_box_figure *fig, const char *path,
                      const zf_png_text *text, size_t ntext);

#ifdef __cplusplus
}
#endif
#endif
