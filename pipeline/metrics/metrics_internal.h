/* metrics_internal.h: what the catalogue, the kernels and the doc generator share: the per-window accumulator and the table rows. */
#ifndef ZF_METRICS_INTERNAL_H
#define ZF_METRICS_INTERNAL_H

#include <stddef.h>

#include "zfstress/metrics.h"

/* The values of one time window (the whole trial or one bin). The catalogue
 * rows read the result fields by offset; the sums below them are the
 * intermediate quantities the results are derived from. */
typedef struct zf_macc {
    /* results */
    double distance_mm, mean_speed_mm_s, max_speed_mm_s, time_mobile_s;
    double time_top_s, time_bottom_s, top_entries, latency_top_s, latency_top_censored, mean_depth_mm;
    double freezing_time_s, freezing_bouts, latency_freezing_s;
    double erratic_bouts;
    double mean_abs_turn_deg, angular_velocity_deg_s, meander_deg_mm, rotations_cw, rotations_ccw, circling_index;
    double thigmotaxis_time_s, centre_time_s;
    double zone_time_s[ZF_MAX_ZONES], zone_entries[ZF_MAX_ZONES], zone_latency_s[ZF_MAX_ZONES],
        zone_latency_censored[ZF_MAX_ZONES];
    double activity_light_mm_min, activity_dark_mm_min, pmr_light_on_mm, pmr_light_off_mm;
    double observed_s, fraction_missing, longest_gap_s, teleports, samples_interpolated;
    /* sums */
    double step_time_s, depth_int, turn_sum_deg, turn_n, turn_time_s, turn_dist_mm, samples, missing;
    /* the part of the window the track covers: [start, end) */
    double start, end;
} zf_macc;

/* Catalogue sections, in the order the docs list them. */
enum {
    ZF_SEC_LOCOMOTION, ZF_SEC_VERTICAL, ZF_SEC_IMMOBILITY, ZF_SEC_ERRATIC, ZF_SEC_TURNING, ZF_SEC_TOPVIEW,
    ZF_SEC_ZONES, ZF_SEC_LIGHT, ZF_SEC_QC, ZF_SEC_COUNT
};

/* Section of catalogue row i, and the offset of its value in zf_macc. */
int zf_metric_section(size_t i);
const char *zf_metric_section_name(int section);
size_t zf_metric_offset(size_t i);

/* Fill out[nout] from the window's accumulator: each slot that applies to the
 * arena (and schedule) gets its value, the others NaN. a and p may be NULL. */
void zf_metric_fill(const zf_macc *acc, const zf_arena *a, const zf_metric_params *p, double *out, size_t nout);

/* Reset a window: sums 0, results that are "first time" or derived NaN. */
void zf_macc_reset(zf_macc *acc, double start, double end);
/* Every field NaN. */
void zf_macc_nan(zf_macc *acc);

/* Cumulative distance D(t) of a subject from the start of its data. */
typedef double (*zf_cumfn)(const void *ctx, double t);

/* LIGHT metrics of one window (acc->start .. acc->end, already clipped to the
 * data) from D over the data's coverage [c0, c1); a light switch at T counts in
 * the window when wlo <= T < whi. Leaves them NaN without a schedule. */
void zf_light_window(zf_macc *acc, const zf_metric_params *p, zf_cumfn D, const void *ctx, double c0, double c1,
                     double wlo, double whi);

/* The preprocessing parameters every track metric reads. */
#define ZF_PREPROCESSING_PARAMS "max_gap_s,interpolation,smooth.method,smooth.window,smooth.alpha,teleport_speed_mm_s"

#endif
