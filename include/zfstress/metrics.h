/* metrics.h: the metric catalogue (one descriptor per metric and per parameter) and the kernels that turn a track into endpoints. */
#ifndef ZFSTRESS_METRICS_H
#define ZFSTRESS_METRICS_H

#include <stddef.h>
#include <stdio.h>

#include "zfstress/ingest.h"
#include "zfstress/track.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a catalogue row needs. zf_arena.kind is SIDE or TOP; ZONES rows are
 * the per-zone templates (zf_metric_zone_get), instantiated once per named
 * zone (either view); LIGHT rows need a declared light schedule. */
enum { ZF_ARENA_ANY = -1, ZF_ARENA_SIDE = 0, ZF_ARENA_TOP = 1, ZF_ARENA_ZONES = 2, ZF_ARENA_LIGHT = 3 };

/* Shapes of named zones and of the arena outline (top view). */
enum { ZF_SHAPE_RECT = 0, ZF_SHAPE_CIRCLE = 1, ZF_SHAPE_POLYGON = 2 };

#define ZF_MAX_ZONES 16
#define ZF_ZONE_MAX_VERTICES 32
#define ZF_ZONE_NAME_MAX 32

/* A named zone in arena millimetres (same frame as the track: origin at the
 * lower-left corner, y up). Boundaries belong to the zone. */
typedef struct zf_zone {
    char name[ZF_ZONE_NAME_MAX]; /* letters, digits, '_': part of column names */
    int shape;                   /* ZF_SHAPE_* */
    size_t nv;                   /* polygon: number of vertices (3 .. ZF_ZONE_MAX_VERTICES) */
    double v[2 * ZF_ZONE_MAX_VERTICES]; /* rect: x0, y0, x1, y1 (x0 < x1, y0 < y1);
                                           circle: cx, cy, r; polygon: x, y pairs */
} zf_zone;

/* The arena a track was filmed in: side view (novel tank; y = 0 at the floor,
 * the water surface at height_mm) or top view (origin at the lower-left
 * corner). Sizes in mm. Its outline shape and named zones are metric
 * parameters (zf_metric_params: arena_shape, zones). */
typedef struct zf_arena {
    int kind;          /* ZF_ARENA_SIDE or ZF_ARENA_TOP */
    double width_mm;
    double height_mm;
} zf_arena;

/* An arena of the given kind and size. */
void zf_arena_init(zf_arena *a, int kind, double width_mm, double height_mm);

enum { ZF_SMOOTH_NONE = 0, ZF_SMOOTH_MEDIAN = 1, ZF_SMOOTH_GAUSSIAN = 2, ZF_SMOOTH_MEAN = 3 };
enum { ZF_INTERP_LINEAR = 0, ZF_INTERP_STEFFEN = 1, ZF_INTERP_AKIMA = 2 };
#define ZF_MAX_LIGHT 64
/* Output slots at most: the catalogue rows and 4 per-zone templates per zone. */
#define ZF_METRIC_MAX_SLOTS 128

/* Parameters that labs set differently. Defaults (zf_metric_params_default)
 * come from the parameter table below (zf_metric_param_get); docs/METRICS.md
 * gives each one's source. */
typedef struct zf_metric_params {
    double top_fraction;       /* top zone = upper fraction of tank height */
    double bottom_fraction;    /* bottom zone = lower fraction */
    double freeze_speed_mm_s;  /* freezing: speed below this ... */
    double freeze_min_s;       /* ... for at least this long */
    double bin_s;              /* width of time bins; 0: no time bins */
    double max_speed_percentile;
    double move_start_mm_s;    /* Movement: moving starts above this (averaged) speed ... */
    double move_stop_mm_s;     /* ... and stops below this one */
    double move_avg_samples;   /* running average over this many steps */
    double erratic_speed_mm_s;
    double erratic_accel_mm_s2; /* 0: acceleration criterion off */
    double erratic_turn_deg;
    double turn_min_step_mm;   /* headings from displacements at least this long */
    double rotation_tolerance_deg;
    double wall_band_mm;       /* thigmotaxis zone width (top view) */
    double teleport_speed_mm_s;
    double max_gap_s;          /* gaps up to this long are interpolated; 0: none */
    int interpolation;         /* ZF_INTERP_* */
    int smooth;                /* ZF_SMOOTH_* */
    double smooth_window;      /* samples, odd */
    double smooth_alpha;       /* Gaussian: sigma = (window - 1) / (2 alpha) */
    double pmr_window_s;       /* photomotor response: window before and after a switch */
    size_t nlight;             /* light schedule: from light_t[i] on, the light is light_on[i] */
    double light_t[ZF_MAX_LIGHT];
    int light_on[ZF_MAX_LIGHT];
    int arena_shape;           /* top view outline: ZF_SHAPE_RECT (width x height) or ZF_SHAPE_CIRCLE
                                  (diameter min(width, height), centred) */
    size_t nzones;             /* named zones (study.yaml: arena: zones:) */
    zf_zone zones[ZF_MAX_ZONES];
    /* The endpoints the study analyses (study.yaml: metrics: endpoints:).
     * select 0 (the default): every slot; else only the slots with keep[k]
     * set, the tracking-QC rows and the censoring flag of a kept latency
     * (zf_metric_selected). */
    int select;
    unsigned char keep[ZF_METRIC_MAX_SLOTS];
} zf_metric_params;

void zf_metric_params_default(zf_metric_params *p);

/* One catalogue entry. */
typedef struct zf_metric_desc {
    const char *name;        /* column name, e.g. "time_top_s"; ZONES rows: "zone_<name>_time_s" */
    const char *unit;        /* "s", "mm", "mm/s", "count", "1", ... */
    const char *definition;  /* one line */
    const char *reference;   /* literature the definition follows */
    int arena;               /* ZF_ARENA_* it needs */
    const char *params;      /* parameters it reads, comma separated, "" for none (besides the
                                preprocessing ones every track metric reads) */
    int endpoint;            /* 1: a behavioural endpoint that the stats and plots compare;
                                0: tracking QC or a flag, reported but not compared */
} zf_metric_desc;

/* The catalogue: one row per metric, in a fixed order (output slot i). */
size_t zf_metric_count(void);
const zf_metric_desc *zf_metric_get(size_t i);   /* NULL when out of range */
int zf_metric_find(const char *name);            /* index or -1 */
/* The per-zone templates ("zone_<name>_time_s", ...): a study gets one column
 * per template and declared zone (zf_metric_column_get). */
size_t zf_metric_zone_count(void);
const zf_metric_desc *zf_metric_zone_get(size_t i);
/* "side", "top", "any", "zones", "light" */
const char *zf_metric_arena_name(int arena);

/* One parameter: its key under `metrics:` in study.yaml, default, range and
 * the source of the default. */
enum { ZF_PARAM_NUMBER = 0, ZF_PARAM_INTEGER = 1, ZF_PARAM_ODD = 2, ZF_PARAM_CHOICE = 3, ZF_PARAM_SCHEDULE = 4 };
typedef struct zf_metric_param_desc {
    const char *name;        /* "freeze_min_s", "smooth.window" (nested key), ... */
    const char *unit;
    int kind;                /* ZF_PARAM_* */
    const char *choices;     /* CHOICE: names separated by '|', in enum order; else NULL */
    double def, lo, hi;      /* NUMBER/INTEGER/ODD: default and valid range; CHOICE: default index */
    const char *definition;
    const char *source;      /* where the default comes from */
} zf_metric_param_desc;

size_t zf_metric_param_count(void);
const zf_metric_param_desc *zf_metric_param_get(size_t i);
int zf_metric_param_find(const char *name);      /* index or -1 */
/* Set a NUMBER/INTEGER/ODD parameter; ZF_EINVAL (message names the range) when v does not fit. */
int zf_metric_param_set(zf_metric_params *p, size_t i, double v);
/* Set a CHOICE parameter by name; ZF_EINVAL (message lists the choices) when unknown. */
int zf_metric_param_set_choice(zf_metric_params *p, size_t i, const char *choice);
/* "name=value" of the parameters in list (comma separated names; NULL: every
 * parameter, then "endpoints=a,b,..." when the study selects endpoints),
 * separated by spaces, into buf. ZF_EINVAL when buf is too small
 * or a name is unknown. */
int zf_metric_params_text(const zf_metric_params *p, const char *list, char *buf, size_t size);
/* The arena, its outline and zones as text:
 * "arena.kind=top arena.width_mm=300 ... arena.shape=rect zone.dark=rect:0,0,150,200". */
int zf_arena_text(const zf_arena *a, const zf_metric_params *p, char *buf, size_t size);

/* Output slots. The kernels fill arrays of zf_metric_nout(p) values: slot
 * k < zf_metric_count() is catalogue row k, then one slot per zone and
 * per-zone template (zone-major, templates in order). Slots that do not apply
 * (another arena kind, LIGHT rows without a schedule) hold NaN. */
size_t zf_metric_nout(const zf_metric_params *p);

/* Whether slot k is computed and written: 1 without a selection (p->select
 * 0); with one, for the selected slots, the tracking-QC rows (cheap, and
 * what every analysis checks) and the censoring flag that goes with a
 * selected latency. */
int zf_metric_selected(const zf_metric_params *p, size_t k);

/* The slot of the endpoint column called name (a catalogue endpoint or a
 * per-zone column, e.g. "zone_dark_time_s") that applies to this arena and
 * schedule; -1 when there is none. */
int zf_metric_endpoint_find(const zf_arena *a, const zf_metric_params *p, const char *name);

/* The endpoint columns that apply to this arena and schedule, ", "
 * separated, into buf (truncated with "..." when it does not fit). */
void zf_metric_endpoint_names(const zf_arena *a, const zf_metric_params *p, char *buf, size_t size);

/* An output column: a slot spelled out for one study. */
typedef struct zf_metric_column {
    const zf_metric_desc *desc;   /* the row it instantiates */
    char name[80];                /* "zone_dark_time_s" */
    char definition[512];         /* with the zone spelled out for per-zone columns */
    char parameters[1024];        /* "name=value ..." of the parameters it reads, the preprocessing
                                     ones and the arena */
} zf_metric_column;

/* Describe slot k: 1 when the metric applies to a study with this arena and
 * parameters and is selected (zf_metric_selected), 0 when the slot is always
 * NaN there (another arena kind, no light schedule, not selected), ZF_EINVAL
 * when k is out of range. col is filled in both first cases. */
int zf_metric_column_get(const zf_arena *a, const zf_metric_params *p, size_t k, zf_metric_column *col);

/* Kernel workspace, sized for one stage (arena and parameters copied) and
 * grown to the longest track seen: allocation happens at most once per track,
 * never per sample. Not shared between threads. */
typedef struct zf_metric_ws zf_metric_ws;
int zf_metric_ws_new(const zf_arena *a, const zf_metric_params *p, zf_metric_ws **out);
void zf_metric_ws_free(zf_metric_ws *w); /* NULL is a no-op */

/* Every metric of one track in one pass (O(n + nbin)): the whole trial into
 * whole[zf_metric_nout(p)], and per time bin b (bins [b bin_s, (b + 1) bin_s)
 * from t = 0, b < nbin) into binned[k * nbin + b] (binned may be NULL when
 * nbin is 0). Each sample lasts until the next one (the last as long as the
 * step before it); durations and distances are split at bin edges, so
 * additive metrics of the bins add up to the whole trial. Events (entries,
 * bouts, rotations) belong to the bin where they start; latencies count from
 * the start of the window. A window the track does not cover is all NaN. */
int zf_metrics_track(zf_metric_ws *w, const zf_track *tr, double *whole, double *binned, size_t nbin);

/* The metrics binned activity (ViewPoint) supports: distance_mm (sum of the
 * three movement classes of the bins starting in the window), mean_speed_mm_s
 * (distance / binned time), observed_s, fraction_missing (0) and, with a light
 * schedule, the LIGHT rows; every other slot NaN. Layout as zf_metrics_track. */
int zf_metrics_activity(const zf_activity *act, const zf_arena *a, const zf_metric_params *p, double *whole,
                        double *binned, size_t nbin);

/* One window [t0, t1) of a track (the whole trial for -INFINITY, INFINITY)
 * into out[zf_metric_nout(p)]; allocates its own workspace. */
int zf_metrics_compute(const zf_track *tr, double t0, double t1, const zf_arena *arena,
                       const zf_metric_params *p, double *out);

/* Binned activity over the bins that start in [t0, t1), without a light
 * schedule, into out[zf_metric_count()]. */
int zf_metrics_compute_activity(const zf_activity *a, double t0, double t1, double *out);

/* The catalogue as a tab-separated table (name, unit, arena, parameters,
 * endpoint, definition, reference), and as the Markdown of docs/METRICS.md. */
int zf_metrics_write_list(FILE *fp);
int zf_metrics_write_markdown(FILE *fp);

#ifdef __cplusplus
}
#endif
#endif
