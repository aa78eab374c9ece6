/* metrics.h: the metric catalogue (one descriptor per metric) and the kernels that turn a track into endpoints. */
#ifndef ZFSTRESS_METRICS_H
#define ZFSTRESS_METRICS_H

#include <stddef.h>

#include "zfstress/ingest.h"
#include "zfstress/track.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { ZF_ARENA_ANY = -1, ZF_ARENA_SIDE = 0, ZF_ARENA_TOP = 1 };

/* The arena a track was filmed in: side view (novel tank; y = 0 at the floor)
 * or top view (origin at the lower-left corner). Sizes in mm. */
typedef struct zf_arena {
    int kind;
    double width_mm;
    double height_mm;
} zf_arena;

/* Parameters that labs set differently. Defaults (zf_metric_params_default)
 * come from the literature; see docs/METRICS.md. */
typedef struct zf_metric_params {
    double top_fraction;       /* top zone = upper fraction of tank height; 0.5 (halves, Egan et al. 2009) */
    double bottom_fraction;    /* bottom zone = lower fraction; defaults to top_fraction */
    double freeze_speed_mm_s;  /* freezing: speed below this ... 5 mm/s */
    double freeze_min_s;       /* ... for at least this long; 2 s (Cachat et al. 2010) */
    double bin_s;              /* width of time bins; 60 s (minute bins, Wong et al. 2010) */
} zf_metric_params;

void zf_metric_params_default(zf_metric_params *p);

/* One catalogue entry. */
typedef struct zf_metric_desc {
    const char *name;        /* column name, e.g. "time_top_s" */
    const char *unit;        /* "s", "mm", "mm/s", "count", "1" */
    const char *definition;  /* one line */
    const char *reference;   /* literature the definition follows */
    int arena;               /* ZF_ARENA_* it needs */
    const char *params;      /* parameters it reads, comma separated, "" for none */
    int endpoint;            /* 1: a behavioural endpoint that the stats and plots compare;
                                0: tracking QC or a flag, reported but not compared */
} zf_metric_desc;

size_t zf_metric_count(void);
const zf_metric_desc *zf_metric_get(size_t i);   /* NULL when out of range */
int zf_metric_find(const char *name);            /* index or -1 */

/* Compute every metric of the catalogue over the samples of tr with
 * t0 <= t < t1 (pass -INFINITY, INFINITY for the whole trial) into
 * out[zf_metric_count()]. Metrics that do not apply to the arena kind are NaN.
 * Latencies are measured from the first sample of the window. O(n), no allocation. */
int zf_metrics_compute(const zf_track *tr, double t0, double t1, const zf_arena *arena,
                       const zf_metric_params *p, double *out);

/* The metrics that binned activity (ViewPoint) supports, over the bins that
 * start in [t0, t1): distance_mm (sum of the three movement classes),
 * mean_speed_mm_s (distance / binned time), observed_s; every other metric NaN. */
int zf_metrics_compute_activity(const zf_activity *a, double t0, double t1, double *out);

#ifdef __cplusplus
}
#endif
#endif
