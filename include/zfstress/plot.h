/* plot.h: figures drawn with cairo and written as PNG through libpng (pHYs + tEXt), or PDF/SVG through cairo. */
#ifndef ZFSTRESS_PLOT_H
#define ZFSTRESS_PLOT_H

#include <stddef.h>
#include <stdint.h>

#include "zfstress/metrics.h"
#include "zfstress/stats.h"
#include "zfstress/track.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A tEXt chunk (PNG) / metadata entry. */
typedef struct zf_png_text {
    const char *key;
    const char *value;
} zf_png_text;

/* Write an 8-bit RGBA image (rows of stride bytes, straight alpha, R G B A byte
 * order) to path as PNG with pHYs = dpi and the given tEXt chunks (iTXt for
 * non-ASCII values); as RGB when every pixel is opaque. Atomic (temporary
 * file + rename). No time chunk, so output is byte-reproducible. */
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
    const uint32_t *rgb;      /* [ngroups] 0xRRGGBB; NULL: the default colours below */
    const char *font;         /* font family; NULL: DejaVu Sans */
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

/* ---- the figures of a study ---------------------------------------------- */

#define ZF_PLOT_NO_GROUP ((size_t)-1)

/* A group (level of the study's factor) as figures show it. */
typedef struct zf_plot_level {
    const char *name;   /* the level in the sample sheet */
    const char *label;  /* shown on figures; NULL: name */
    uint32_t rgb;       /* 0xRRGGBB */
} zf_plot_level;

/* Colour of the i-th group when the study names none: the control grey
 * #8C8C8C, then the Okabe-Ito colours from #E69F00 in order. */
uint32_t zf_plot_default_rgb(size_t i);

/* A metric as a figure reads it. The source's callbacks fill it with malloc'd
 * arrays that the figure frees (zf_plot_series_free); label, unit and title
 * point to strings that live as long as the source. */
typedef struct zf_plot_series {
    const char *label;  /* axis text without the unit: "time in top zone" */
    const char *unit;   /* "s", "mm/s"; "" or "1": dimensionless */
    const char *title;  /* panel title; "" or NULL: none */
    double *v;          /* per-subject metric: [nsubjects]; binned: [nsubjects * nbin] */
    size_t nbin;        /* binned only */
    double *bin_start;  /* binned only: [nbin], s from trial start */
} zf_plot_series;
void zf_plot_series_free(zf_plot_series *s); /* keeps the struct; NULL is a no-op */

/* A zone of the arena shaded under trajectories and outlined on heatmaps
 * (arena mm, origin at the lower-left corner, y up). */
typedef struct zf_plot_zone {
    const char *name;
    int shape;          /* ZF_SHAPE_RECT: v = x0, y0, x1, y1; ZF_SHAPE_CIRCLE: cx, cy, r;
                           ZF_SHAPE_POLYGON: nv x, y pairs */
    size_t nv;          /* polygon vertices */
    const double *v;
} zf_plot_zone;

/* Everything a figure may read, supplied by the caller: the plot stage reads
 * it from the experiment file, the tests from memory. Pointers stay valid
 * while figures are drawn. */
typedef struct zf_plot_source {
    size_t nsubjects;
    size_t ngroups;
    const zf_plot_level *levels;  /* [ngroups] in display order; levels[0] is the control */
    const size_t *group;          /* [nsubjects]: index into levels, or ZF_PLOT_NO_GROUP */
    const double *dose;           /* [nsubjects] dose per subject, or NULL (no dose-response) */
    const char *dose_label;       /* dose axis text with its unit: "ketamine (mg/L)" */
    zf_arena arena;
    int arena_shape;              /* outline of a top-view arena: ZF_SHAPE_RECT or ZF_SHAPE_CIRCLE */
    const zf_plot_zone *zones;    /* [nzones] */
    size_t nzones;
    const zf_stat_table *stats;   /* the study's results, or NULL (no p values) */
    const char *adjust;           /* p adjustment named in captions: "holm" */
    size_t nboot;                 /* bootstrap resamples of estimation plots */
    unsigned long seed;           /* their seed (the study's compare.seed) */
    const char *font;             /* font family; NULL: DejaVu Sans */
    void *ctx;                    /* passed to the callbacks */
    /* the per-subject values of metric name (out->v[nsubjects]) */
    int (*metric)(void *ctx, const char *name, zf_plot_series *out);
    /* the per-bin values of metric name (out->v[nsubjects * nbin], out->bin_start) */
    int (*binned)(void *ctx, const char *name, zf_plot_series *out);
    /* subject i's track into tr (initialised; replaced) */
    int (*track)(void *ctx, size_t i, zf_track *tr);
} zf_plot_source;

/* One figure to draw. NULL / 0 fields take the kind's defaults. */
typedef struct zf_figure_spec {
    const char *kind;                   /* a row of the kind table */
    const char *const *metrics;         /* [nmetrics]; several make a grid of one cell per metric */
    size_t nmetrics;
    const char *const *groups;          /* [ngroups] subset and order of the levels; NULL: every level */
    size_t ngroups;
    double width_mm, height_mm;         /* 0: the kind's default */
    int dpi;                            /* PNG resolution, 1..1200; 0: 300 */
    const char *title;                  /* NULL: the metric's title */
    const char *effect;                 /* estimation: mean_diff (default), median_diff, cohens_d, hedges_g */
    const char *error;                  /* timecourse: sem (default) or ci95 */
    int lines;                          /* timecourse: thin per-fish lines 1, none 0, default (-1): on */
    const char *colour_by;              /* trajectory: time (default) or speed */
    size_t columns;                     /* panel: cells per row; 0: ceil(sqrt(ncells)) */
    const struct zf_figure_spec *cells; /* panel: [ncells] */
    size_t ncells;
} zf_figure_spec;

struct zf_fig; /* the drawing context of one figure (private) */

/* A figure kind: one row of the table that zfstress plot and the study file
 * iterate. draw lays the figure out in the cell (x, y, w, h, in mm). */
typedef struct zf_figure_kind {
    const char *name;       /* "estimation", "box", ... */
    const char *summary;    /* one line */
    double width_mm;        /* default size */
    double height_mm;
    int needs_metric;       /* 1: draws one metric (several metrics make a grid) */
    int (*draw)(struct zf_fig *f, const zf_figure_spec *spec, double x, double y, double w, double h);
} zf_figure_kind;

size_t zf_figure_kind_count(void);
const zf_figure_kind *zf_figure_kind_get(size_t i);       /* NULL when out of range */
const zf_figure_kind *zf_figure_kind_find(const char *name); /* NULL when unknown */

/* Draw spec from src into path (.png, .pdf or .svg). text goes into PNG tEXt
 * chunks (PDF: Keywords). Atomic and deterministic like zf_plot_box_swarm.
 * ZF_EINVAL for an unknown kind, metric or group, or a size with no room. */
int zf_plot_figure(const zf_figure_spec *spec, const zf_plot_source *src, const char *path,
                   const zf_png_text *text, size_t ntext);

/* ---- the plot stage ------------------------------------------------------- */

struct zf_study;
struct zf_experiment;

/* Draw the figures the study declares (figures:), or without any the default
 * set: an estimation plot per endpoint (<metric>.png), a time course per
 * binned endpoint (<metric>_timecourse.png), trajectories.png and
 * heatmap.png, into figdir. Group order, labels and colours, metric labels,
 * units and titles, the dose column and the font come from plot:. Every PNG
 * carries tEXt Software, Study (study file SHA-256), Input hash, Seed and
 * Procedure. */
int zf_plot_study(const struct zf_study *s, struct zf_experiment *e, const char *figdir);

/* zf_plot_study, redrawing only the figures whose key changed: a figure's key
 * hashes data_key (what the data behind the figures depends on), the study's
 * plot settings and the figure's own entry. old_keys holds the previous run's
 * "file key" lines (NULL: none); *new_keys receives this run's (malloc'd). */
int zf_plot_study_incremental(const struct zf_study *s, struct zf_experiment *e, const char *figdir, const char *data_key,
                              const char *old_keys, char **new_keys);

#ifdef __cplusplus
}
#endif
#endif
