/* study.h: the study file (study.yaml) that names the inputs, arena, parameters, comparison and output of one analysis. */
#ifndef ZFSTRESS_STUDY_H
#define ZFSTRESS_STUDY_H

#include <stddef.h>

#include "zfstress/ingest.h"
#include "zfstress/metrics.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Everything a run needs. Paths are resolved relative to the study file's
 * directory. Owned strings are freed by zf_study_free. */
typedef struct zf_study {
    char *path;          /* the study file */
    char *dir;           /* its directory */
    char *text;          /* its bytes, recorded as provenance */
    char sha256[65];     /* of text */
    char *samples;       /* resolved path of the sample sheet */
    char *format;        /* default reader: a format name or "auto"; default "csv" */
    char *col_time;      /* generic CSV column names */
    char *col_x;
    char *col_y;
    int units;           /* ZF_UNITS_*, ZF_UNITS_AUTO (default): as the file says */
    double px_per_mm;    /* NaN when not set */
    int y_axis;          /* ZF_Y_UP, ZF_Y_DOWN, ZF_Y_AUTO (default): the format's convention */
    double fps;          /* NaN when not set */
    double origin_x;     /* file units; NaN when not set */
    double origin_y;     /* file units; NaN when not set */
    double time_offset_s;  /* trim acclimation; default 0 */
    char *bodypart;      /* keypoint formats; NULL: centroid of confident parts */
    double min_likelihood; /* keypoint formats; default 0.6 */
    int decimal_comma;   /* decimal: comma */
    zf_arena arena;
    zf_metric_params metrics;
    char *factor;        /* compare.factor, "group" */
    char *control;       /* compare.control, "control" */
    char *adjust;        /* compare.adjust, "holm" */
    size_t nboot;        /* compare.bootstrap, 5000 */
    unsigned long seed;  /* compare.seed */
    char **factors;      /* compare.factors: between-subject factorial on /metrics (sample-sheet columns); NULL/0: none */
    size_t nfactors;
    char *repeated;      /* compare.repeated: "bin" (or "bin_start_s"): compare.factor x time bin split-plot on /binned; NULL: none */
    char *dose;          /* compare.dose: numeric sample-sheet column of a dose-response design; NULL: none */
    int family;          /* compare.family: 0 metric (default), 1 study (ZF_FAMILY_* of stats.h) */
    char *output;        /* resolved output directory */
    /* plot: and figures: (what 'zfstress plot' draws; see zf_study_figure) */
    char *plot_font;     /* plot.font; NULL: DejaVu Sans */
    int plot_dpi;        /* plot.dpi; 0: 300 */
    struct zf_study_group_style *plot_groups; /* plot.groups: order, labels, colours */
    size_t nplot_groups;
    struct zf_study_metric_style *plot_metrics; /* plot.metrics: labels, units, titles */
    size_t nplot_metrics;
    char *dose_column;   /* plot.dose.column: sample-sheet column of the dose */
    char *dose_label;    /* plot.dose.label, e.g. "ketamine" */
    char *dose_unit;     /* plot.dose.unit, e.g. "mg/L" */
    struct zf_study_figure *figures; /* figures: NULL/0: the default set */
    size_t nfigures;
} zf_study;

/* plot.groups: one entry per level, in the order figures show them. */
typedef struct zf_study_group_style {
    char *name;          /* level of the factor */
    char *label;         /* NULL: name */
    long rgb;            /* 0xRRGGBB from "#RRGGBB"; -1: default colour */
} zf_study_group_style;

/* plot.metrics.<name>: how figures label a metric. NULL: the default. */
typedef struct zf_study_metric_style {
    char *name, *label, *unit, *title;
} zf_study_metric_style;

/* One entry of figures: (or a cell of a panel). NULL / 0 / -1: the default. */
typedef struct zf_study_figure {
    char *kind;          /* a figure kind ('zfstress plot' kinds: estimation, box, ...) */
    char **metrics;      /* metric: or metrics: */
    size_t nmetrics;
    char **groups;       /* subset and order of the levels */
    size_t ngroups;
    double width_mm, height_mm; /* size: [w, h], single (85 mm), double (180 mm) */
    char *format;        /* png (default), pdf, svg */
    int dpi;             /* 0: plot.dpi */
    char *file;          /* file name under figures/, without extension */
    char *title;
    char *effect;        /* estimation: mean_diff, median_diff, cohens_d, hedges_g */
    char *error;         /* timecourse: sem, ci95 */
    int lines;           /* timecourse: per-fish lines; -1: default */
    char *colour_by;     /* trajectory: time, speed */
    size_t columns;      /* panel: cells per row */
    struct zf_study_figure *cells; /* panel: cells */
    size_t ncells;
} zf_study_figure;

/* Defaults of every key (the values zf_study_load starts from). */
void zf_study_default(zf_study *s);

/* Parse and validate path. Unknown keys, wrong types and out-of-range values
 * fail with ZF_ESTUDY and "'study.yaml':LINE:COL: ..." naming what was expected. */
int zf_study_load(const char *path, zf_study *out);
void zf_study_free(zf_study *s); /* keeps the struct; NULL is a no-op */
/* The same from text already in memory: path names it in messages, dir is
 * what its relative paths are relative to (used by 'zfstress reproduce'). */
int zf_study_parse(const char *path, const char *dir, const char *text, size_t len, zf_study *out);

#ifdef __cplusplus
}
#endif
#endif
