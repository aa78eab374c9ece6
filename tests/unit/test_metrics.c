/* test_metrics.c: unit tests of the metric catalogue and its kernel on hand-made tracks whose answers are worked out by hand. */
#include "check.h"
#include "zfstress/core.h"
#include "zfstress/metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_METRICS 256
#define MAX_BINS 16
#define TOL 1e-12

/* Conventions of the catalogue used in the arithmetic below: each sample lasts
 * until the next one, the last sample as long as the step before it, so a
 * track of n samples at 1 Hz covers n seconds ("trial length"). */

static double g_out[MAX_METRICS];

/* Value of metric name in g_out; NaN (and a failed check) when unknown. */
static double M(const char *name)
{
    int i = zf_metric_find(name);
    CHECK(i >= 0);
    if (i < 0) {
        fprintf(stderr, "  unknown metric %s\n", name);
        return NAN;
    }
    return g_out[i];
}

static zf_arena side_arena(double height_mm)
{
    zf_arena a;
    zf_arena_init(&a, ZF_ARENA_SIDE, 200.0, height_mm);
    return a;
}

static zf_metric_params params_halves(void)
{
    zf_metric_params p;
    zf_metric_params_default(&p);
    p.top_fraction = 0.5;
    p.bottom_fraction = 0.5;
    p.freeze_speed_mm_s = 5.0;
    p.freeze_min_s = 2.0;
    return p;
}

static void compute(const zf_track *tr, double t0, double t1, const zf_arena *a, const zf_metric_params *p)
{
    for (size_t k = 0; k < MAX_METRICS; k++)
        g_out[k] = -12345.0;
    CHECK_OK(zf_metrics_compute(tr, t0, t1, a, p, g_out));
}

static void whole(const zf_track *tr, const zf_arena *a, const zf_metric_params *p)
{
    compute(tr, -INFINITY, INFINITY, a, p);
}

/* Track of n samples at times t0 + i * dt with positions x[i], y[i]. */
static void make_track(zf_track *tr, size_t n, double t0, double dt, const double *x, const double *y)
{
    zf_track_init(tr);
    for (size_t i = 0; i < n; i++)
        CHECK_OK(zf_track_push(tr, t0 + (double)i * dt, x[i], y[i]));
}

static void test_registry(void)
{
    size_t n = zf_metric_count();
    CHECK(n > 0 && n <= MAX_METRICS);
    for (size_t i = 0; i < n; i++) {
        const zf_metric_desc *d = zf_metric_get(i);
        CHECK(d != NULL);
        if (!d)
            continue;
        CHECK(d->name && d->name[0]);
        CHECK(d->unit && d->unit[0]);
        CHECK(d->definition && d->definition[0]);
        CHECK(d->reference && d->reference[0]);
        CHECK(d->params != NULL);
        CHECK(d->arena == ZF_ARENA_ANY || d->arena == ZF_ARENA_SIDE || d->arena == ZF_ARENA_TOP ||
              d->arena == ZF_ARENA_LIGHT);
        CHECK(d->endpoint == 0 || d->endpoint == 1);
        CHECK(zf_metric_find(d->name) == (int)i);
        for (size_t j = 0; j < i; j++) {
            const zf_metric_desc *e = zf_metric_get(j);
            CHECK(e && strcmp(e->name, d->name) != 0);
        }
    }
    CHECK(zf_metric_get(n) == NULL);
    CHECK(zf_metric_find("no_such_metric") == -1);
    CHECK(zf_metric_find("") == -1);
    const char *needed[] = {"distance_mm", "mean_speed_mm_s", "time_top_s", "time_bottom_s", "top_entries",
                            "latency_top_s", "latency_top_censored", "freezing_time_s", "freezing_bouts",
                            "latency_freezing_s", "observed_s", "fraction_missing"};
    for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
        CHECK(zf_metric_find(needed[i]) >= 0);

    const char *more[] = {"max_speed_mm_s", "time_mobile_s", "mean_depth_mm", "erratic_bouts", "mean_abs_turn_deg",
                          "angular_velocity_deg_s", "meander_deg_mm", "rotations_cw", "rotations_ccw",
                          "circling_index", "thigmotaxis_time_s", "centre_time_s", "activity_light_mm_min",
                          "activity_dark_mm_min", "pmr_light_on_mm", "pmr_light_off_mm", "longest_gap_s",
                          "teleports", "samples_interpolated"};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
        CHECK(zf_metric_find(more[i]) >= 0);
    /* QC and flags are not endpoints */
    const char *qc[] = {"observed_s", "fraction_missing", "longest_gap_s", "teleports", "samples_interpolated",
                        "latency_top_censored"};
    for (size_t i = 0; i < sizeof qc / sizeof qc[0]; i++) {
        int k = zf_metric_find(qc[i]);
        CHECK(k >= 0 && zf_metric_get((size_t)k)->endpoint == 0);
    }
    /* per-zone templates */
    CHECK(zf_metric_zone_count() == 4);
    for (size_t i = 0; i < zf_metric_zone_count(); i++) {
        const zf_metric_desc *d = zf_metric_zone_get(i);
        CHECK(d && d->arena == ZF_ARENA_ZONES && strstr(d->name, "zone_<name>_") == d->name);
        CHECK(d && zf_metric_find(d->name) == -1);
    }
    CHECK(zf_metric_zone_get(zf_metric_zone_count()) == NULL);
    CHECK(strcmp(zf_metric_arena_name(ZF_ARENA_SIDE), "side") == 0 && strcmp(zf_metric_arena_name(ZF_ARENA_ANY), "any") == 0);

    zf_metric_params p;
    zf_metric_params_default(&p);
    CHECK(p.top_fraction == 0.5 && p.freeze_min_s == 2.0 && p.bin_s == 60.0 && p.freeze_speed_mm_s == 5.0);
    CHECK(p.max_gap_s == 0.0 && p.smooth == ZF_SMOOTH_NONE && p.nlight == 0 && p.move_avg_samples == 1.0);
}

static void test_straight_line(void)
{
    /* 11 samples, 0.5 s apart (t = 0 .. 5 s); each step is (3, 4) mm = 5 mm.
     * distance = 10 steps x 5 mm = 50 mm; mean speed = 50 mm / 5 s = 10 mm/s.
     * observed = 10 steps x 0.5 s + 0.5 s for the last sample = 5.5 s.
     * y = 5 .. 45 mm < 50 mm: always bottom half of a 100 mm tank. */
    double x[11], y[11];
    for (size_t i = 0; i < 11; i++) {
        x[i] = 3.0 * (double)i;
        y[i] = 5.0 + 4.0 * (double)i;
    }
    zf_track tr;
    make_track(&tr, 11, 0.0, 0.5, x, y);
    zf_arena a = side_arena(100.0);
    zf_metric_params p = params_halves();
    whole(&tr, &a, &p);
    CHECK_NEAR(M("distance_mm"), 50.0, TOL);
    CHECK_NEAR(M("mean_speed_mm_s"), 10.0, TOL);
    CHECK_NEAR(M("observed_s"), 5.5, TOL);
    CHECK_NEAR(M("time_bottom_s"), 5.5, TOL);
    CHECK(M("time_top_s") == 0.0);
    CHECK(M("top_entries") == 0.0);
    CHECK(M("freezing_time_s") == 0.0); /* 10 mm/s is above 5 mm/s */
    CHECK(M("freezing_bouts") == 0.0);
    CHECK_NEAR(M("latency_freezing_s"), 5.5, TOL); /* none: trial length */
    CHECK(M("fraction_missing") == 0.0);

    /* Same track in a top-view arena: side-only metrics are NaN, the rest unchanged. */
    zf_arena top = a;
    top.kind = ZF_ARENA_TOP;
    whole(&tr, &top, &p);
    CHECK(isnan(M("time_top_s")) && isnan(M("latency_top_s")) && isnan(M("top_entries")) &&
          isnan(M("latency_top_censored")) && isnan(M("time_bottom_s")));
    CHECK_NEAR(M("distance_mm"), 50.0, TOL);
    zf_track_free(&tr);
}

static void test_parked_top(void)
{
    /* 10 samples at 1 Hz (t = 0 .. 9), fish still at y = 80 mm > 50 mm.
     * time_top = 9 steps x 1 s + 1 s (last sample) = 10 s; latency 0 (first sample);
     * entries 0 (it never comes from outside). Speed 0 throughout: one freezing
     * bout from t = 0 to the last sample t = 9, so 9 s, latency 0. */
    double x[10], y[10];
    for (size_t i = 0; i < 10; i++) {
        x[i] = 100.0;
        y[i] = 80.0;
    }
    zf_track tr;
    make_track(&tr, 10, 0.0, 1.0, x, y);
    zf_arena a = side_arena(100.0);
    zf_metric_params p = params_halves();
    whole(&tr, &a, &p);
    CHECK_NEAR(M("time_top_s"), 10.0, TOL);
    CHECK(M("time_bottom_s") == 0.0);
    CHECK(M("latency_top_s") == 0.0);
    CHECK(M("latency_top_censored") == 0.0);
    CHECK(M("top_entries") == 0.0);
    CHECK(M("distance_mm") == 0.0);
    CHECK(M("mean_speed_mm_s") == 0.0);
    CHECK_NEAR(M("freezing_time_s"), 9.0, TOL);
    CHECK(M("freezing_bouts") == 1.0);
    CHECK(M("latency_freezing_s") == 0.0);
    zf_track_free(&tr);
}

static void test_two_entries(void)
{
    /* 1 Hz, t = T0 .. T0 + 9; tank 100 mm, top zone y > 50.
     *   i:  0  1  2  3  4  5  6  7  8  9
     *   y: 10 20 30 60 70 40 30 60 80 90
     * top samples 3, 4, 7, 8, 9 -> time_top = 5 x 1 s = 5 s (sample 9 lasts 1 s);
     * bottom samples 0, 1, 2, 5, 6 -> 5 s; entries 2 -> 3 and 6 -> 7 = 2;
     * latency = t[3] - t[0] = 3 s. x constant, so distance = sum |dy| =
     * 10 + 10 + 30 + 10 + 30 + 10 + 30 + 20 + 10 = 160 mm; every step >= 10 mm/s. */
    const double y[10] = {10, 20, 30, 60, 70, 40, 30, 60, 80, 90};
    double x[10];
    for (size_t i = 0; i < 10; i++)
        x[i] = 50.0;
    zf_arena a = side_arena(100.0);
    zf_metric_params p = params_halves();
    const double starts[2] = {0.0, 100.0}; /* latency counts from the first sample, not t = 0 */
    for (size_t k = 0; k < 2; k++) {
        zf_track tr;
        make_track(&tr, 10, starts[k], 1.0, x, y);
        whole(&tr, &a, &p);
        CHECK(M("top_entries") == 2.0);
        CHECK_NEAR(M("latency_top_s"), 3.0, TOL);
        CHECK(M("latency_top_censored") == 0.0);
        CHECK_NEAR(M("time_top_s"), 5.0, TOL);
        CHECK_NEAR(M("time_bottom_s"), 5.0, TOL);
        CHECK_NEAR(M("distance_mm"), 160.0, TOL);
        CHECK_NEAR(M("mean_speed_mm_s"), 160.0 / 9.0, TOL);
        CHECK(M("freezing_time_s") == 0.0);
        zf_track_free(&tr);
    }
}

static void test_never_top(void)
{
    /* 1 Hz, t = 0 .. 9 at y = 20 mm (bottom half): never top.
     * latency censored at the trial length: 9 steps + 1 s for the last sample = 10 s. */
    double x[10], y[10];
    for (size_t i = 0; i < 10; i++) {
        x[i] = 20.0 * (double)i; /* 20 mm/s: no freezing */
        y[i] = 20.0;
    }
    zf_track tr;
    make_track(&tr, 10, 0.0, 1.0, x, y);
    zf_arena a = side_arena(100.0);
    zf_metric_params p = params_halves();
    whole(&tr, &a, &p);
    CHECK_NEAR(M("latency_top_s"), 10.0, TOL);
    CHECK(M("latency_top_censored") == 1.0);
    CHECK(M("top_entries") == 0.0);
    CHECK(M("time_top_s") == 0.0);
    CHECK_NEAR(M("time_bottom_s"), 10.0, TOL);
    CHECK_NEAR(M("distance_mm"), 180.0, TOL); /* 9 x 20 mm */
    zf_track_free(&tr);
}

static void test_freezing(void)
{
    /* 1 Hz, t = 0 .. 12, y = 20 mm. x:
     *   t: 0  1  2  3  4  5  6  7  8  9 10 11 12
     *   x: 0 10 10 20 30 31 30 31 40 50 60 70 80
     * step 1->2 is still (0 mm/s) for 1 s only: a pause, not a bout (< 2 s);
     * steps 4->5, 5->6, 6->7 move 1 mm/s (< 5 mm/s): a bout from t = 4 to t = 7, 3 s.
     * freezing_time = 3, bouts = 1, latency = 4 (start of the bout, not of the pause).
     * distance = 10 + 0 + 10 + 10 + 1 + 1 + 1 + 9 + 10 + 10 + 10 + 10 = 82 mm. */
    const double x[13] = {0, 10, 10, 20, 30, 31, 30, 31, 40, 50, 60, 70, 80};
    double y[13];
    for (size_t i = 0; i < 13; i++)
        y[i] = 20.0;
    zf_track tr;
    make_track(&tr, 13, 0.0, 1.0, x, y);
    zf_arena a = side_arena(100.0);
    zf_metric_params p = params_halves();
    whole(&tr, &a, &p);
    CHECK_NEAR(M("freezing_time_s"), 3.0, TOL);
    CHECK(M("freezing_bouts") == 1.0);
    CHECK_NEAR(M("latency_freezing_s"), 4.0, TOL);
    CHECK_NEAR(M("distance_mm"), 82.0, TOL);

    /* With freeze_min_s = 1 the pause counts too: 1 + 3 = 4 s, 2 bouts, latency 1. */
    p.freeze_min_s = 1.0;
    whole(&tr, &a, &p);
    CHECK_NEAR(M("freezing_time_s"), 4.0, TOL);
    CHECK(M("freezing_bouts") == 2.0);
    CHECK_NEAR(M("latency_freezing_s"), 1.0, TOL);

    /* With freeze_min_s = 4 nothing counts: latency = trial length 13 s. */
    p.freeze_min_s = 4.0;
    whole(&tr, &a, &p);
    CHECK(M("freezing_time_s") == 0.0);
    CHECK(M("freezing_bouts") == 0.0);
    CHECK_NEAR(M("latency_freezing_s"), 13.0, TOL);
    zf_track_free(&tr);
}

static void test_missing(void)
{
    /* 1 Hz, t = 0 .. 9, still at y = 80 (top); samples 3, 4, 5 missing
     * (3 both, 4 only x, 5 only y: half-known positions are missing).
     * fraction_missing = 3 / 10.
     * observed = samples 0, 1, 2, 6, 7, 8 (1 s each) + sample 9 (1 s) = 7 s,
     * time_top = 7 s (missing never counts), time_bottom 0, entries 0.
     * Freezing: still steps 0->1, 1->2 (bout 0..2 = 2 s, ended by the gap) and
     * 6->7, 7->8, 8->9 (bout 6..9 = 3 s): 5 s in 2 bouts, not 9 s. */
    double x[10], y[10];
    for (size_t i = 0; i < 10; i++) {
        x[i] = 100.0;
        y[i] = 80.0;
    }
    x[3] = y[3] = NAN;
    x[4] = NAN;
    y[5] = NAN;
    zf_track tr;
    make_track(&tr, 10, 0.0, 1.0, x, y);
    zf_arena a = side_arena(100.0);
    zf_metric_params p = params_halves();
    whole(&tr, &a, &p);
    CHECK_NEAR(M("fraction_missing"), 0.3, TOL);
    CHECK_NEAR(M("observed_s"), 7.0, TOL);
    CHECK_NEAR(M("time_top_s"), 7.0, TOL);
    CHECK(M("time_bottom_s") == 0.0);
    CHECK(M("top_entries") == 0.0);
    CHECK_NEAR(M("freezing_time_s"), 5.0, TOL);
    CHECK(M("freezing_bouts") == 2.0);
    CHECK(M("latency_freezing_s") == 0.0);
    zf_track_free(&tr);

    /* Moving at 10 mm/s along x, samples 3 and 4 missing: the steps 2->3, 3->4,
     * 4->5 touch a missing sample and are excluded. distance = 6 steps x 10 = 60 mm,
     * mean speed = 60 mm / 6 s = 10 mm/s; observed = 10 - 2 = 8 s. */
    for (size_t i = 0; i < 10; i++) {
        x[i] = 10.0 * (double)i;
        y[i] = 20.0;
    }
    x[3] = y[3] = NAN;
    x[4] = y[4] = NAN;
    make_track(&tr, 10, 0.0, 1.0, x, y);
    whole(&tr, &a, &p);
    CHECK_NEAR(M("distance_mm"), 60.0, TOL);
    CHECK_NEAR(M("mean_speed_mm_s"), 10.0, TOL);
    CHECK_NEAR(M("fraction_missing"), 0.2, TOL);
    CHECK_NEAR(M("observed_s"), 8.0, TOL);
    CHECK(M("freezing_time_s") == 0.0); /* the gap is not a still period */
    zf_track_free(&tr);
}

static void test_windows(void)
{
    /* 30 samples at 1 Hz (t = 0 .. 29); x = 10 i; y alternates in 5 s blocks:
     * i 0-4 bottom (20), 5-9 top (80), 10-14 bottom, 15-19 top, 20-24 bottom, 25-29 top.
     * Whole trial: time_top = 3 blocks x 5 s = 15 s (sample 29 lasts 1 s).
     * Steps: 24 horizontal of 10 mm and 5 block changes of (10, 60) mm:
     * distance = 240 + 5 sqrt(10^2 + 60^2) = 240 + 5 sqrt(3700). */
    double x[30], y[30];
    for (size_t i = 0; i < 30; i++) {
        x[i] = 10.0 * (double)i;
        y[i] = ((i / 5) % 2) ? 80.0 : 20.0;
    }
    zf_track tr;
    make_track(&tr, 30, 0.0, 1.0, x, y);
    zf_arena a = side_arena(100.0);
    zf_metric_params p = params_halves();
    whole(&tr, &a, &p);
    double dist = M("distance_mm"), top = M("time_top_s"), obs = M("observed_s");
    CHECK_NEAR(dist, 240.0 + 5.0 * sqrt(3700.0), TOL);
    CHECK_NEAR(top, 15.0, TOL);
    CHECK_NEAR(obs, 30.0, TOL);
    CHECK(M("top_entries") == 3.0); /* 4->5, 14->15, 24->25 */

    /* Bin [10, 20): samples 10 .. 19; top samples 15 .. 19 = 5 s; first top
     * sample at t = 15, window starts at t = 10: latency 5 s; one entry. */
    compute(&tr, 10.0, 20.0, &a, &p);
    CHECK_NEAR(M("time_top_s"), 5.0, TOL);
    CHECK_NEAR(M("latency_top_s"), 5.0, TOL);
    CHECK(M("latency_top_censored") == 0.0);
    CHECK(M("top_entries") == 1.0);
    CHECK_NEAR(M("observed_s"), 10.0, TOL);

    /* Bins that partition the trial add up to the whole trial. */
    const double widths[3] = {10.0, 5.0, 7.0};
    for (size_t w = 0; w < 3; w++) {
        double sd = 0, st = 0, so = 0;
        for (double t0 = 0.0; t0 < 30.0; t0 += widths[w]) {
            compute(&tr, t0, t0 + widths[w], &a, &p);
            sd += M("distance_mm");
            st += M("time_top_s");
            so += M("observed_s");
        }
        CHECK_NEAR(sd, dist, 1e-9);
        CHECK_NEAR(st, top, 1e-9);
        CHECK_NEAR(so, obs, 1e-9);
    }

    /* A window with no samples: every metric undefined. */
    compute(&tr, 100.0, 160.0, &a, &p);
    for (size_t k = 0; k < zf_metric_count(); k++)
        CHECK(isnan(g_out[k]));
    zf_track_free(&tr);
}

static void test_thirds(void)
{
    /* Tank 90 mm. Thirds: top y > 60, bottom y < 30, middle in between.
     * 1 Hz, t = 0 .. 8:
     *   y: 10 50 70 10 50 70 10 50 70
     * thirds: top = samples 2, 5, 8 = 3 s; bottom = 0, 3, 6 = 3 s;
     *         entries 1->2, 4->5, 7->8 = 3; latency = 2 s.
     * halves (top y > 45, bottom y < 45): top = samples with 50 and 70 = 6 s,
     *         bottom 3 s; entries 0->1, 3->4, 6->7 = 3; latency 1 s. */
    const double y[9] = {10, 50, 70, 10, 50, 70, 10, 50, 70};
    double x[9];
    for (size_t i = 0; i < 9; i++)
        x[i] = 100.0;
    zf_track tr;
    make_track(&tr, 9, 0.0, 1.0, x, y);
    zf_arena a = side_arena(90.0);
    zf_metric_params p = params_halves();
    p.top_fraction = 1.0 / 3.0;
    p.bottom_fraction = 1.0 / 3.0;
    whole(&tr, &a, &p);
    CHECK_NEAR(M("time_top_s"), 3.0, TOL);
    CHECK_NEAR(M("time_bottom_s"), 3.0, TOL);
    CHECK(M("top_entries") == 3.0);
    CHECK_NEAR(M("latency_top_s"), 2.0, TOL);
    CHECK_NEAR(M("observed_s"), 9.0, TOL);

    p = params_halves();
    whole(&tr, &a, &p);
    CHECK_NEAR(M("time_top_s"), 6.0, TOL);
    CHECK_NEAR(M("time_bottom_s"), 3.0, TOL);
    CHECK(M("top_entries") == 3.0);
    CHECK_NEAR(M("latency_top_s"), 1.0, TOL);
    zf_track_free(&tr);
}

static unsigned long g_rng = 12345u;

static double uniform01(void)
{
    g_rng = (g_rng * 1103515245u + 12345u) & 0x7fffffffu;
    return (double)g_rng / 2147483648.0;
}

static void test_zone_property(void)
{
    /* Random tracks with irregular sampling and gaps: with halves,
     * top + bottom = observed; with thirds, top + middle + bottom = observed,
     * the middle time summed here independently (same sample-duration rule). */
    zf_arena a = side_arena(120.0);
    for (int rep = 0; rep < 50; rep++) {
        zf_track tr;
        zf_track_init(&tr);
        size_t n = 20 + (size_t)(uniform01() * 400.0);
        double t = uniform01() * 10.0;
        for (size_t i = 0; i < n; i++) {
            double y = 1.0 + uniform01() * 118.0;
            if (fabs(y - 60.0) < 1e-6 || fabs(y - 40.0) < 1e-6 || fabs(y - 80.0) < 1e-6)
                y += 0.5; /* keep off the zone borders */
            double x = uniform01() * 200.0;
            if (uniform01() < 0.1)
                x = NAN;
            CHECK_OK(zf_track_push(&tr, t, x, y));
            t += 0.01 + uniform01() * 0.1;
        }
        zf_metric_params p = params_halves();
        whole(&tr, &a, &p);
        CHECK_NEAR(M("time_top_s") + M("time_bottom_s"), M("observed_s"), 1e-9);

        p.top_fraction = 1.0 / 3.0;
        p.bottom_fraction = 1.0 / 3.0;
        whole(&tr, &a, &p);
        double middle = 0.0, observed = 0.0;
        for (size_t i = 0; i < tr.n; i++) {
            if (isnan(tr.x[i]) || isnan(tr.y[i]))
                continue;
            double dt = i + 1 < tr.n ? tr.t[i + 1] - tr.t[i] : tr.t[i] - tr.t[i - 1];
            observed += dt;
            if (tr.y[i] >= 40.0 && tr.y[i] <= 80.0)
                middle += dt;
        }
        CHECK_NEAR(M("observed_s"), observed, 1e-9);
        CHECK_NEAR(M("time_top_s") + middle + M("time_bottom_s"), M("observed_s"), 1e-9);
        CHECK_NEAR(M("fraction_missing"), (double)zf_track_missing(&tr) / (double)tr.n, 1e-12);
        zf_track_free(&tr);
    }
}


/* ---- issue 4: the whole catalogue ---- */

static double g_whole[MAX_METRICS], g_binned[MAX_METRICS * MAX_BINS];
static size_t g_nbin;

/* Whole trial and nbin bins of p->bin_s through the stage's kernel. */
static void track_bins(const zf_track *tr, const zf_arena *a, const zf_metric_params *p, size_t nbin)
{
    zf_metric_ws *w = NULL;
    CHECK(nbin <= MAX_BINS && zf_metric_nout(p) <= MAX_METRICS);
    g_nbin = nbin;
    CHECK_OK(zf_metric_ws_new(a, p, &w));
    if (w)
        CHECK_OK(zf_metrics_track(w, tr, g_whole, g_binned, nbin));
    zf_metric_ws_free(w);
}

/* Slot of a column name (catalogue rows and the zones of p); -1 when none. */
static int slot_of(const zf_metric_params *p, const char *name)
{
    zf_metric_column col;
    for (size_t k = 0; k < zf_metric_nout(p); k++)
        if (zf_metric_column_get(NULL, p, k, &col) >= 0 && strcmp(col.name, name) == 0)
            return (int)k;
    return -1;
}

/* Column of g_out (zone columns need the parameters that declare them). */
static double Z(const zf_metric_params *p, const char *name)
{
    int k = slot_of(p, name);
    CHECK(k >= 0);
    if (k < 0) {
        fprintf(stderr, "  unknown column %s\n", name);
        return NAN;
    }
    return g_out[k];
}

/* Whole-trial and bin values of track_bins. */
static double W(const char *name)
{
    int i = zf_metric_find(name);
    CHECK(i >= 0);
    return i < 0 ? NAN : g_whole[i];
}
static double B(const char *name, size_t b)
{
    int i = zf_metric_find(name);
    CHECK(i >= 0 && b < g_nbin);
    return i < 0 || b >= g_nbin ? NAN : g_binned[(size_t)i * g_nbin + b];
}

static zf_arena top_arena(double w, double h)
{
    zf_arena a;
    zf_arena_init(&a, ZF_ARENA_TOP, w, h);
    return a;
}

static void test_locomotion_line(void)
{
    /* The straight line of test_straight_line: 11 samples 0.5 s apart, steps of
     * (3, 4) = 5 mm, so every step is 10 mm/s; y = 5 + 4 i in a 100 mm tank. */
    double x[11], y[11];
    for (size_t i = 0; i < 11; i++) {
        x[i] = 3.0 * (double)i;
        y[i] = 5.0 + 4.0 * (double)i;
    }
    zf_track tr;
    make_track(&tr, 11, 0.0, 0.5, x, y);
    zf_arena a = side_arena(100.0);
    zf_metric_params p = params_halves();
    whole(&tr, &a, &p);
    CHECK_NEAR(M("max_speed_mm_s"), 10.0, TOL);   /* every step 10 mm/s */
    CHECK(M("time_mobile_s") == 0.0);              /* 10 mm/s never exceeds the start velocity 20 */
    /* mean depth: y averages 5 + 4 x 5 = 25 with equal durations: 100 - 25 = 75 mm */
    CHECK_NEAR(M("mean_depth_mm"), 75.0, TOL);
    /* a straight line turns by 0 at each of its 9 inner vertices */
    CHECK(M("mean_abs_turn_deg") == 0.0);
    CHECK(M("angular_velocity_deg_s") == 0.0);
    CHECK(M("meander_deg_mm") == 0.0);
    CHECK(M("rotations_cw") == 0.0 && M("rotations_ccw") == 0.0 && M("circling_index") == 0.0);
    CHECK(M("erratic_bouts") == 0.0);
    CHECK(M("longest_gap_s") == 0.0 && M("teleports") == 0.0 && M("samples_interpolated") == 0.0);
    CHECK(isnan(M("thigmotaxis_time_s")) && isnan(M("centre_time_s"))); /* top view only */
    CHECK(isnan(M("activity_light_mm_min")) && isnan(M("pmr_light_on_mm"))); /* no light schedule */

    /* Movement with start 8 / stop 5 mm/s: moving from the first step, 10 steps x 0.5 s */
    p.move_start_mm_s = 8.0;
    p.move_stop_mm_s = 5.0;
    whole(&tr, &a, &p);
    CHECK_NEAR(M("time_mobile_s"), 5.0, TOL);

    /* A physical bound of 9 mm/s makes every step a teleport: no distance, no speed */
    p = params_halves();
    p.teleport_speed_mm_s = 9.0;
    whole(&tr, &a, &p);
    CHECK(M("teleports") == 10.0);
    CHECK(M("distance_mm") == 0.0);
    CHECK(isnan(M("mean_speed_mm_s")) && isnan(M("max_speed_mm_s")));
    CHECK_NEAR(M("observed_s"), 5.5, TOL); /* the positions are still tracked */
    zf_track_free(&tr);
}

static void test_max_speed(void)
{
    /* 1 Hz, steps of 1, 2, ..., 20 mm and then 500 mm: 21 speeds.
     * Percentile q: h = (21 - 1) q / 100 into the sorted speeds 1..20, 500:
     * q = 95 -> h = 19 -> 20; q = 100 -> 500; q = 50 -> h = 10 -> 11;
     * q = 97.5 -> h = 19.5 -> 20 + 0.5 (500 - 20) = 260. */
    double x[22], y[22];
    x[0] = 0;
    for (size_t i = 1; i < 22; i++)
        x[i] = x[i - 1] + (i < 21 ? (double)i : 500.0);
    for (size_t i = 0; i < 22; i++)
        y[i] = 20.0;
    zf_track tr;
    make_track(&tr, 22, 0.0, 1.0, x, y);
    zf_arena a = side_arena(100.0);
    zf_metric_params p = params_halves();
    const double q[4] = {95, 100, 50, 97.5}, want[4] = {20, 500, 11, 260};
    for (size_t k = 0; k < 4; k++) {
        p.max_speed_percentile = q[k];
        whole(&tr, &a, &p);
        CHECK_NEAR(M("max_speed_mm_s"), want[k], TOL);
    }
    CHECK_NEAR(M("mean_speed_mm_s"), (210.0 + 500.0) / 21.0, TOL);
    zf_track_free(&tr);
}

static void test_mobility(void)
{
    /* 1 Hz, step speeds 10, 25, 19, 18, 15, 25, 17 mm/s; start 20, stop 17.5.
     * step 1 (10): not moving; 2 (25 > 20): moving; 3 (19) and 4 (18): between
     * the thresholds, still moving; 5 (15 < 17.5): stops; 6 (25): moving;
     * 7 (17 < 17.5): stops. Moving steps 2, 3, 4, 6: 4 s.
     * Averaged over 2 steps: 10, 17.5, 22, 18.5, 16.5, 20, 21 -> moving on steps
     * 3 (22), 4 (18.5, between), stops at 5 (16.5), 6 (20 is not above 20),
     * moving on 7 (21): 3 s. */
    const double x[8] = {0, 10, 35, 54, 72, 87, 112, 129};
    double y[8];
    for (size_t i = 0; i < 8; i++)
        y[i] = 20.0;
    zf_track tr;
    make_track(&tr, 8, 0.0, 1.0, x, y);
    zf_arena a = side_arena(100.0);
    zf_metric_params p = params_halves();
    CHECK(p.move_start_mm_s == 20.0 && p.move_stop_mm_s == 17.5 && p.move_avg_samples == 1.0);
    whole(&tr, &a, &p);
    CHECK_NEAR(M("time_mobile_s"), 4.0, TOL);
    p.move_avg_samples = 2;
    whole(&tr, &a, &p);
    CHECK_NEAR(M("time_mobile_s"), 3.0, TOL);
    zf_track_free(&tr);

    /* stop above start is refused */
    zf_metric_ws *w = NULL;
    p = params_halves();
    p.move_stop_mm_s = 30.0;
    CHECK(zf_metric_ws_new(&a, &p, &w) == ZF_EINVAL && w == NULL);
}

static void test_parked_depth(void)
{
    /* The fish parked at y = 80 mm of a 100 mm tank: 20 mm below the surface. */
    double x[10], y[10];
    for (size_t i = 0; i < 10; i++) {
        x[i] = 100.0;
        y[i] = 80.0;
    }
    zf_track tr;
    make_track(&tr, 10, 0.0, 1.0, x, y);
    zf_arena a = side_arena(100.0);
    zf_metric_params p = params_halves();
    whole(&tr, &a, &p);
    CHECK_NEAR(M("mean_depth_mm"), 20.0, TOL);
    CHECK(M("time_mobile_s") == 0.0);
    CHECK(isnan(M("mean_abs_turn_deg"))); /* never moved: no heading, no turn */
    CHECK(M("rotations_ccw") == 0.0);
    zf_track_free(&tr);
}

static void test_top_view(void)
{
    /* Open field 300 x 200 mm, wall band 20 mm (default). 1 Hz, 10 samples. */
    zf_arena a = top_arena(300.0, 200.0);
    zf_metric_params p = params_halves();
    CHECK(p.wall_band_mm == 20.0);
    double x[10], y[10];
    for (size_t i = 0; i < 10; i++) {
        x[i] = 150.0; /* parked in the middle */
        y[i] = 100.0;
    }
    zf_track tr;
    make_track(&tr, 10, 0.0, 1.0, x, y);
    whole(&tr, &a, &p);
    CHECK_NEAR(M("centre_time_s"), 10.0, TOL);
    CHECK(M("thigmotaxis_time_s") == 0.0);
    CHECK(isnan(M("time_top_s")) && isnan(M("mean_depth_mm"))); /* side view only */
    zf_track_free(&tr);

    /* along the bottom wall at y = 10 (< 20 from the wall), 20 mm/s: all thigmotaxis */
    for (size_t i = 0; i < 10; i++) {
        x[i] = 50.0 + 20.0 * (double)i;
        y[i] = 10.0;
    }
    make_track(&tr, 10, 0.0, 1.0, x, y);
    whole(&tr, &a, &p);
    CHECK_NEAR(M("thigmotaxis_time_s"), 10.0, TOL);
    CHECK(M("centre_time_s") == 0.0);
    zf_track_free(&tr);

    /* A round arena 100 x 100: radius 50 around (50, 50); the wall band is
     * farther than 50 - 20 = 30 mm from the centre. Samples alternate between
     * the centre (0 mm from it) and (50, 95) (45 mm): 5 s each. */
    zf_arena c = top_arena(100.0, 100.0);
    p.arena_shape = ZF_SHAPE_CIRCLE;
    for (size_t i = 0; i < 10; i++) {
        x[i] = 50.0;
        y[i] = i % 2 ? 95.0 : 50.0;
    }
    make_track(&tr, 10, 0.0, 1.0, x, y);
    whole(&tr, &c, &p);
    CHECK_NEAR(M("thigmotaxis_time_s"), 5.0, TOL);
    CHECK_NEAR(M("centre_time_s"), 5.0, TOL);
    zf_track_free(&tr);
}

/* The zones of the light/dark example: dark rect, centre circle, a triangle. */
static void ld_zones(zf_metric_params *p)
{
    p->nzones = 3;
    snprintf(p->zones[0].name, sizeof p->zones[0].name, "dark");
    p->zones[0].shape = ZF_SHAPE_RECT;
    p->zones[0].v[0] = 0, p->zones[0].v[1] = 0, p->zones[0].v[2] = 150, p->zones[0].v[3] = 200;
    snprintf(p->zones[1].name, sizeof p->zones[1].name, "centre");
    p->zones[1].shape = ZF_SHAPE_CIRCLE;
    p->zones[1].v[0] = 150, p->zones[1].v[1] = 100, p->zones[1].v[2] = 50;
    snprintf(p->zones[2].name, sizeof p->zones[2].name, "tri");
    p->zones[2].shape = ZF_SHAPE_POLYGON;
    p->zones[2].nv = 3;
    const double tri[6] = {0, 0, 10, 0, 0, 10};
    memcpy(p->zones[2].v, tri, sizeof tri);
}

static void test_zones(void)
{
    /* 1 Hz, t = 0 .. 9, y = 100, x:
     *   i:  0   1    2    3    4    5    6   7   8   9
     *   x: 20  80  140  200  260  200  140  80  20  80
     * dark (x <= 150): i = 0, 1, 2, 6, 7, 8, 9 -> 7 s; one entry (5 -> 6);
     *   latency 0 (inside from the first sample).
     * centre circle (|x - 150| <= 50, boundary included): i = 2, 3, 5, 6 -> 4 s;
     *   entries 1 -> 2 and 4 -> 5 = 2; latency 2 s.
     * triangle near (0, 0): never; latency censored at the trial length 10 s.
     * distance: 9 steps of 60 mm = 540 mm. */
    const double x[10] = {20, 80, 140, 200, 260, 200, 140, 80, 20, 80};
    double y[10];
    for (size_t i = 0; i < 10; i++)
        y[i] = 100.0;
    zf_track tr;
    make_track(&tr, 10, 0.0, 1.0, x, y);
    zf_arena a = top_arena(300.0, 200.0);
    zf_metric_params p = params_halves();
    ld_zones(&p);
    CHECK(zf_metric_nout(&p) == zf_metric_count() + 3 * zf_metric_zone_count());
    whole(&tr, &a, &p);
    CHECK_NEAR(Z(&p, "zone_dark_time_s"), 7.0, TOL);
    CHECK(Z(&p, "zone_dark_entries") == 1.0);
    CHECK(Z(&p, "zone_dark_latency_s") == 0.0);
    CHECK(Z(&p, "zone_dark_latency_censored") == 0.0);
    CHECK_NEAR(Z(&p, "zone_centre_time_s"), 4.0, TOL);
    CHECK(Z(&p, "zone_centre_entries") == 2.0);
    CHECK_NEAR(Z(&p, "zone_centre_latency_s"), 2.0, TOL);
    CHECK(Z(&p, "zone_tri_time_s") == 0.0);
    CHECK(Z(&p, "zone_tri_entries") == 0.0);
    CHECK_NEAR(Z(&p, "zone_tri_latency_s"), 10.0, TOL);
    CHECK(Z(&p, "zone_tri_latency_censored") == 1.0);
    CHECK_NEAR(M("distance_mm"), 540.0, TOL);
    /* a point inside the triangle counts */
    double xt[3] = {2, 3, 2}, yt[3] = {2, 3, 2};
    zf_track_free(&tr);
    make_track(&tr, 3, 0.0, 1.0, xt, yt);
    whole(&tr, &a, &p);
    CHECK_NEAR(Z(&p, "zone_tri_time_s"), 3.0, TOL);
    CHECK(Z(&p, "zone_centre_time_s") == 0.0);
    zf_track_free(&tr);

    /* the columns spell the zone out */
    zf_metric_column col;
    int k = slot_of(&p, "zone_dark_time_s");
    CHECK(k >= 0 && zf_metric_column_get(&a, &p, (size_t)k, &col) == 1);
    CHECK(strstr(col.definition, "zone 'dark': rect:0,0,150,200 mm") != NULL);
    CHECK(strstr(col.parameters, "zone.dark=rect:0,0,150,200") != NULL);
    CHECK(strstr(col.parameters, "zone.centre") == NULL);
    CHECK(strstr(col.parameters, "arena.kind=top") != NULL);
    CHECK(zf_metric_column_get(&a, &p, zf_metric_nout(&p), &col) == ZF_EINVAL);
    /* side metrics do not apply to a top view */
    CHECK(zf_metric_column_get(&a, &p, (size_t)zf_metric_find("time_top_s"), &col) == 0);
    CHECK(zf_metric_column_get(&a, &p, (size_t)zf_metric_find("thigmotaxis_time_s"), &col) == 1);
    CHECK(strstr(col.parameters, "wall_band_mm=20") != NULL);
}

/* Track through points spaced along the given headings (degrees), 10 mm per step, 1 Hz, from (x0, y0). */
static void heading_track(zf_track *tr, const double *deg, size_t nsteps, double x0, double y0)
{
    double x = x0, y = y0, rad = 3.14159265358979323846 / 180.0;
    zf_track_init(tr);
    CHECK_OK(zf_track_push(tr, 0.0, x, y));
    for (size_t i = 0; i < nsteps; i++) {
        x += 10.0 * cos(deg[i] * rad);
        y += 10.0 * sin(deg[i] * rad);
        CHECK_OK(zf_track_push(tr, (double)(i + 1), x, y));
    }
}

static void test_rotations_square(void)
{
    /* A 40 mm square counter-clockwise in 10 mm steps at 1 Hz: right, up, left,
     * down (4 steps each), then one more step right so that the fourth corner
     * has an outgoing heading. 17 steps, 16 turns: +90 at the 4 corners, 0
     * elsewhere. Net turn 360 -> 1 counter-clockwise rotation.
     * mean |turn| = 360 / 16 = 22.5 deg; each turn ends a 1 s, 10 mm displacement:
     * angular velocity 360 / 16 s = 22.5 deg/s, meander 360 / 160 mm = 2.25 deg/mm.
     * 18 samples of 1 s: observed 18 s, circling 1 / (18 / 60) = 10/3 per minute. */
    double deg[17];
    for (size_t i = 0; i < 16; i++)
        deg[i] = 90.0 * (double)(i / 4);
    deg[16] = 0.0;
    zf_track tr;
    heading_track(&tr, deg, 17, 100.0, 100.0);
    zf_arena a = top_arena(300.0, 300.0);
    zf_metric_params p = params_halves();
    whole(&tr, &a, &p);
    CHECK(M("rotations_ccw") == 1.0);
    CHECK(M("rotations_cw") == 0.0);
    CHECK_NEAR(M("mean_abs_turn_deg"), 22.5, 1e-9);
    CHECK_NEAR(M("angular_velocity_deg_s"), 22.5, 1e-9);
    CHECK_NEAR(M("meander_deg_mm"), 2.25, 1e-9);
    CHECK_NEAR(M("observed_s"), 18.0, TOL);
    CHECK_NEAR(M("circling_index"), 10.0 / 3.0, 1e-9);
    zf_track_free(&tr);

    /* Without the last step the fourth corner makes no turn: 270 deg, no rotation. */
    heading_track(&tr, deg, 16, 100.0, 100.0);
    whole(&tr, &a, &p);
    CHECK(M("rotations_ccw") == 0.0 && M("rotations_cw") == 0.0);
    zf_track_free(&tr);

    /* The mirror image (headings negated) is clockwise. */
    double neg[17];
    for (size_t i = 0; i < 17; i++)
        neg[i] = -deg[i];
    heading_track(&tr, neg, 17, 100.0, 200.0);
    whole(&tr, &a, &p);
    CHECK(M("rotations_cw") == 1.0 && M("rotations_ccw") == 0.0);
    zf_track_free(&tr);

    /* Twice around (+ the closing step): 2 rotations. */
    double twice[33];
    for (size_t i = 0; i < 32; i++)
        twice[i] = 90.0 * (double)((i / 4) % 4);
    twice[32] = 0.0;
    heading_track(&tr, twice, 33, 100.0, 100.0);
    whole(&tr, &a, &p);
    CHECK(M("rotations_ccw") == 2.0);
    zf_track_free(&tr);

    /* Reverse-turn tolerance. Headings 0, 90, 180, 270, 225, 315, 45: turns
     * +90, +90, +90, -45, +90, +90. Tolerance 90: the -45 reverse turn is
     * subtracted but does not restart: net 90+90+90-45+90+90 = 405 -> 1 ccw.
     * Tolerance 30: the -45 restarts the count clockwise (45), the next +90
     * restarts it counter-clockwise (90), then 180: no rotation. */
    const double zig[7] = {0, 90, 180, 270, 225, 315, 45};
    heading_track(&tr, zig, 7, 150.0, 150.0);
    p.rotation_tolerance_deg = 90.0;
    whole(&tr, &a, &p);
    CHECK(M("rotations_ccw") == 1.0 && M("rotations_cw") == 0.0);
    p.rotation_tolerance_deg = 30.0;
    whole(&tr, &a, &p);
    CHECK(M("rotations_ccw") == 0.0 && M("rotations_cw") == 0.0);
    zf_track_free(&tr);
}

static void test_rotations_circle(void)
{
    /* Property: a circle traversed k times is k rotations. 36 samples per
     * revolution (10 deg turns, 8.7 mm steps), i = 0 .. 36 k + 1 so that there
     * are 36 k turns. Counter-clockwise and clockwise, k = 1 .. 4. */
    zf_arena a = top_arena(300.0, 200.0);
    zf_metric_params p = params_halves();
    for (int dir = -1; dir <= 1; dir += 2)
        for (size_t k = 1; k <= 4; k++) {
            zf_track tr;
            zf_track_init(&tr);
            for (size_t i = 0; i <= 36 * k + 1; i++) {
                double th = (double)dir * 2.0 * 3.14159265358979323846 * (double)i / 36.0;
                CHECK_OK(zf_track_push(&tr, 0.1 * (double)i, 150.0 + 50.0 * cos(th), 100.0 + 50.0 * sin(th)));
            }
            whole(&tr, &a, &p);
            CHECK(M(dir > 0 ? "rotations_ccw" : "rotations_cw") == (double)k);
            CHECK(M(dir > 0 ? "rotations_cw" : "rotations_ccw") == 0.0);
            CHECK_NEAR(M("mean_abs_turn_deg"), 10.0, 1e-9);
            zf_track_free(&tr);
        }
}

static void test_erratic(void)
{
    /* 1 Hz in a 300 x 300 top arena. Steps (dx, dy): (10, 0), (10, 0), (200, 0),
     * (-150, 150), (10, 0), (10, 0). Speeds 10, 10, 200, 212, 10, 10 mm/s.
     * Steps 3 and 4 (> 100 mm/s) form a burst; the heading turns by +135 deg
     * between them (> 90): one erratic bout. Turns at the vertices: 0, 0, +135,
     * -135, 0: mean |turn| = 270 / 5 = 54 deg. */
    const double x[7] = {0, 10, 20, 220, 70, 80, 90}, y[7] = {100, 100, 100, 100, 250, 250, 250};
    zf_track tr;
    make_track(&tr, 7, 0.0, 1.0, x, y);
    zf_arena a = top_arena(300.0, 300.0);
    zf_metric_params p = params_halves();
    whole(&tr, &a, &p);
    CHECK(M("erratic_bouts") == 1.0);
    CHECK_NEAR(M("mean_abs_turn_deg"), 54.0, 1e-9);
    /* a turn of 135 deg is not sharper than 150 */
    p.erratic_turn_deg = 150.0;
    whole(&tr, &a, &p);
    CHECK(M("erratic_bouts") == 0.0);
    /* The acceleration criterion alone (speed threshold out of reach, 150 mm/s^2):
     * step 3 accelerates by 190 mm/s^2 (a burst from t = 2, closed by step 4, which
     * changes speed by only 12; the +135 turn at t = 3 lies in it); step 5
     * decelerates by 202 (a burst from t = 4, starting with the -135 turn at
     * t = 4): 2 bouts. */
    p = params_halves();
    p.erratic_speed_mm_s = 1e6;
    p.erratic_accel_mm_s2 = 150.0;
    whole(&tr, &a, &p);
    CHECK(M("erratic_bouts") == 2.0);
    zf_track_free(&tr);

    /* A fast burst without a sharp turn is not erratic. */
    const double x2[6] = {0, 10, 20, 220, 420, 430}, y2[6] = {100, 100, 100, 100, 100, 100};
    make_track(&tr, 6, 0.0, 1.0, x2, y2);
    whole(&tr, &a, &p);
    p = params_halves();
    whole(&tr, &a, &p);
    CHECK(M("erratic_bouts") == 0.0);
    CHECK_NEAR(M("max_speed_mm_s"), 200.0, TOL); /* speeds 10, 10, 200, 200, 10: h = 3.8 */
    zf_track_free(&tr);
}

static void test_gaps(void)
{
    /* 1 Hz, x = 10 i, y = 20 (bottom of a 100 mm tank); samples 3 and 4 missing.
     * No interpolation: steps 2->3, 3->4, 4->5 excluded: 6 x 10 = 60 mm; observed
     * 8 s; the gap lasts 2 s (samples 3 and 4, 1 s each); 2 of 10 samples missing. */
    double x[10], y[10];
    for (size_t i = 0; i < 10; i++) {
        x[i] = 10.0 * (double)i;
        y[i] = 20.0;
    }
    x[3] = y[3] = NAN;
    x[4] = NAN;
    zf_track tr;
    make_track(&tr, 10, 0.0, 1.0, x, y);
    zf_arena a = side_arena(100.0);
    zf_metric_params p = params_halves();
    CHECK(p.max_gap_s == 0.0);
    whole(&tr, &a, &p);
    CHECK_NEAR(M("distance_mm"), 60.0, TOL);
    CHECK_NEAR(M("observed_s"), 8.0, TOL);
    CHECK_NEAR(M("longest_gap_s"), 2.0, TOL);
    CHECK_NEAR(M("fraction_missing"), 0.2, TOL);
    CHECK(M("samples_interpolated") == 0.0);
    /* max_gap_s 2: the 2 s gap is filled on the line: x3 = 30, x4 = 40, y = 20.
     * 9 steps of 10 mm; observed 10 s. QC still reports the input's gap. */
    const int methods[3] = {ZF_INTERP_LINEAR, ZF_INTERP_STEFFEN, ZF_INTERP_AKIMA};
    for (size_t k = 0; k < 3; k++) {
        p.max_gap_s = 2.0;
        p.interpolation = methods[k];
        whole(&tr, &a, &p);
        CHECK_NEAR(M("distance_mm"), 90.0, 1e-9);
        CHECK_NEAR(M("mean_speed_mm_s"), 10.0, 1e-9);
        CHECK_NEAR(M("observed_s"), 10.0, TOL);
        CHECK(M("samples_interpolated") == 2.0);
        CHECK_NEAR(M("fraction_missing"), 0.2, TOL);
        CHECK_NEAR(M("longest_gap_s"), 2.0, TOL);
    }
    /* 1.9 s is shorter than the gap: nothing filled */
    p.max_gap_s = 1.9;
    whole(&tr, &a, &p);
    CHECK(M("samples_interpolated") == 0.0);
    CHECK_NEAR(M("distance_mm"), 60.0, TOL);
    zf_track_free(&tr);

    /* A gap at the start has one neighbour only: never interpolated.
     * Steps 2->3 .. 8->9: 7 x 10 = 70 mm. */
    for (size_t i = 0; i < 10; i++) {
        x[i] = 10.0 * (double)i;
        y[i] = 20.0;
    }
    x[0] = x[1] = NAN;
    make_track(&tr, 10, 0.0, 1.0, x, y);
    p.max_gap_s = 100.0;
    whole(&tr, &a, &p);
    CHECK(M("samples_interpolated") == 0.0);
    CHECK_NEAR(M("distance_mm"), 70.0, TOL);
    CHECK_NEAR(M("longest_gap_s"), 2.0, TOL);
    zf_track_free(&tr);

    /* The parked fish of test_missing (samples 3 .. 5 missing, 3 s): freezing
     * splits into 2 + 3 s; interpolating the gap makes it one 9 s bout. */
    for (size_t i = 0; i < 10; i++) {
        x[i] = 100.0;
        y[i] = 80.0;
    }
    x[3] = x[4] = x[5] = NAN;
    make_track(&tr, 10, 0.0, 1.0, x, y);
    p = params_halves();
    whole(&tr, &a, &p);
    CHECK_NEAR(M("freezing_time_s"), 5.0, TOL);
    CHECK(M("freezing_bouts") == 2.0);
    CHECK_NEAR(M("longest_gap_s"), 3.0, TOL);
    p.max_gap_s = 3.0;
    whole(&tr, &a, &p);
    CHECK_NEAR(M("freezing_time_s"), 9.0, TOL);
    CHECK(M("freezing_bouts") == 1.0);
    CHECK_NEAR(M("time_top_s"), 10.0, TOL);
    CHECK(M("samples_interpolated") == 3.0);
    zf_track_free(&tr);
}

static void test_teleport(void)
{
    /* 1 Hz, x = 10 i, y = 20, but sample 5 jumps to x = 5000: steps 4->5 and
     * 5->6 move 4960 and 4940 mm in 1 s, above the 1000 mm/s bound: 2 teleports,
     * excluded. Distance = the other 7 steps x 10 mm = 70; mean speed 70 / 7 s.
     * The sample itself is a tracked position: observed stays 10 s. */
    double x[10], y[10];
    for (size_t i = 0; i < 10; i++) {
        x[i] = 10.0 * (double)i;
        y[i] = 20.0;
    }
    x[5] = 5000.0;
    zf_track tr;
    make_track(&tr, 10, 0.0, 1.0, x, y);
    zf_arena a = side_arena(100.0);
    zf_metric_params p = params_halves();
    whole(&tr, &a, &p);
    CHECK(M("teleports") == 2.0);
    CHECK_NEAR(M("distance_mm"), 70.0, TOL);
    CHECK_NEAR(M("mean_speed_mm_s"), 10.0, TOL);
    CHECK_NEAR(M("max_speed_mm_s"), 10.0, TOL);
    CHECK_NEAR(M("observed_s"), 10.0, TOL);
    CHECK(M("freezing_time_s") == 0.0);
    /* a bound above the jump counts it as swimming */
    p.teleport_speed_mm_s = 1e4;
    whole(&tr, &a, &p);
    CHECK(M("teleports") == 0.0);
    CHECK_NEAR(M("distance_mm"), 70.0 + 4960.0 + 4940.0, TOL);
    zf_track_free(&tr);
}

static void test_smoothing(void)
{
    /* 1 Hz, 11 samples at y = 40 of a 100 mm tank, x = 10 i, with one spike to
     * y = 80 at i = 5: 1 s in the top half, one entry. A 3-sample median filter
     * removes the spike; a moving mean or Gaussian keeps a constant constant. */
    double x[11], y[11];
    for (size_t i = 0; i < 11; i++) {
        x[i] = 10.0 * (double)i;
        y[i] = 40.0;
    }
    y[5] = 80.0;
    zf_track tr;
    make_track(&tr, 11, 0.0, 1.0, x, y);
    zf_arena a = side_arena(100.0);
    zf_metric_params p = params_halves();
    CHECK(p.smooth == ZF_SMOOTH_NONE);
    whole(&tr, &a, &p);
    CHECK_NEAR(M("time_top_s"), 1.0, TOL);
    CHECK(M("top_entries") == 1.0);
    p.smooth = ZF_SMOOTH_MEDIAN;
    p.smooth_window = 3;
    whole(&tr, &a, &p);
    CHECK(M("time_top_s") == 0.0);
    CHECK_NEAR(M("mean_depth_mm"), 60.0, TOL);
    CHECK_NEAR(M("distance_mm"), 100.0, TOL); /* x is a line: the median keeps it (ends padded with themselves) */
    zf_track_free(&tr);

    y[5] = 40.0;
    make_track(&tr, 11, 0.0, 1.0, x, y);
    const int methods[2] = {ZF_SMOOTH_MEAN, ZF_SMOOTH_GAUSSIAN};
    for (size_t k = 0; k < 2; k++) {
        p.smooth = methods[k];
        p.smooth_window = 5;
        whole(&tr, &a, &p);
        CHECK_NEAR(M("mean_depth_mm"), 60.0, 1e-9);
        CHECK(M("time_top_s") == 0.0);
    }
    zf_track_free(&tr);
}

static void test_bin_split(void)
{
    /* Samples off the bin edges: t = 0.5, 1.5, 2.5 at y = 80 (top) moving 10 mm
     * per step; the last sample lasts 1 s, so the track covers [0.5, 3.5).
     * Bins of 1 s: [0, 1) gets 0.5 s and half of the first step (5 mm);
     * [1, 2) 1 s, the second half of step 1 and the first half of step 2 (10 mm);
     * [2, 3) 1 s and 5 mm; [3, 4) 0.5 s and no distance. No sample starts in
     * [3, 4): its fraction_missing is undefined. */
    const double x[3] = {0, 10, 20}, y[3] = {80, 80, 80};
    zf_track tr;
    make_track(&tr, 3, 0.5, 1.0, x, y);
    zf_arena a = side_arena(100.0);
    zf_metric_params p = params_halves();
    p.bin_s = 1.0;
    track_bins(&tr, &a, &p, 4);
    const double obs[4] = {0.5, 1, 1, 0.5}, dist[4] = {5, 10, 5, 0};
    for (size_t b = 0; b < 4; b++) {
        CHECK_NEAR(B("observed_s", b), obs[b], 1e-12);
        CHECK_NEAR(B("time_top_s", b), obs[b], 1e-12);
        CHECK_NEAR(B("distance_mm", b), dist[b], 1e-12);
        CHECK(B("latency_top_s", b) == 0.0);
    }
    CHECK(isnan(B("fraction_missing", 3)));
    CHECK_NEAR(W("observed_s"), 3.0, TOL);
    CHECK_NEAR(W("distance_mm"), 20.0, TOL);
    /* the same windows one at a time through zf_metrics_compute */
    for (size_t b = 0; b < 4; b++) {
        compute(&tr, (double)b, (double)b + 1, &a, &p);
        CHECK_NEAR(M("observed_s"), obs[b], 1e-12);
        CHECK_NEAR(M("distance_mm"), dist[b], 1e-12);
    }
    zf_track_free(&tr);
}

static void test_bouts_across_bins(void)
{
    /* 1 Hz, t = 0 .. 119, 20 mm/s except a still spell at x = const for samples
     * 55 .. 65: steps 56 .. 65 are still, a bout [55, 65) of 10 s. Bins of 60 s:
     * the bout starts (and is counted) in bin 0, 5 s in each bin; bin 1 starts
     * frozen: its latency is 0. With freeze_min_s = 8 neither half alone would
     * qualify; the bout does, by its whole length. */
    double x[120], y[120];
    double pos = 0;
    for (size_t i = 0; i < 120; i++) {
        if (i > 0 && !(i >= 56 && i <= 65))
            pos += 20.0;
        x[i] = pos;
        y[i] = 20.0;
    }
    zf_track tr;
    make_track(&tr, 120, 0.0, 1.0, x, y);
    zf_arena a = side_arena(100.0);
    zf_metric_params p = params_halves();
    for (int k = 0; k < 2; k++) {
        p.freeze_min_s = k ? 8.0 : 2.0;
        track_bins(&tr, &a, &p, 2);
        CHECK_NEAR(W("freezing_time_s"), 10.0, TOL);
        CHECK(W("freezing_bouts") == 1.0);
        CHECK_NEAR(W("latency_freezing_s"), 55.0, TOL);
        CHECK_NEAR(B("freezing_time_s", 0), 5.0, TOL);
        CHECK_NEAR(B("freezing_time_s", 1), 5.0, TOL);
        CHECK(B("freezing_bouts", 0) == 1.0 && B("freezing_bouts", 1) == 0.0);
        CHECK_NEAR(B("latency_freezing_s", 0), 55.0, TOL);
        CHECK(B("latency_freezing_s", 1) == 0.0);
        CHECK_NEAR(W("distance_mm"), 20.0 * 109.0, TOL);
        CHECK_NEAR(B("distance_mm", 0) + B("distance_mm", 1), W("distance_mm"), 1e-9);
    }
    zf_track_free(&tr);
}

static void test_light_track(void)
{
    /* 1 Hz, t = 0 .. 239, 10 mm/s until t = 120, then 30 mm/s; the light is off
     * from 0 and on from 120. Cumulative distance D(t) = 10 t up to 120, then
     * 1200 + 30 (t - 120) up to the last sample (239: D = 4770); the last
     * sample lasts until 240 without a step.
     * dark [0, 120): 1200 mm in 2 min = 600 mm/min; light [120, 240): 3570 mm
     * in 2 min = 1785 mm/min. Onset at 120: D(180) - D(120) = 1800 minus
     * D(120) - D(60) = 600: pmr_light_on = 1200 mm; no offset: NaN. */
    double x[240], y[240];
    for (size_t i = 0; i < 240; i++) {
        double t = (double)i;
        x[i] = t <= 120 ? 10.0 * t : 1200.0 + 30.0 * (t - 120.0);
        y[i] = 50.0;
    }
    zf_track tr;
    make_track(&tr, 240, 0.0, 1.0, x, y);
    zf_arena a = top_arena(10000.0, 100.0);
    zf_metric_params p = params_halves();
    p.nlight = 2;
    p.light_t[0] = 0, p.light_on[0] = 0;
    p.light_t[1] = 120, p.light_on[1] = 1;
    track_bins(&tr, &a, &p, 4);
    CHECK_NEAR(W("activity_dark_mm_min"), 600.0, 1e-9);
    CHECK_NEAR(W("activity_light_mm_min"), 1785.0, 1e-9);
    CHECK_NEAR(W("pmr_light_on_mm"), 1200.0, 1e-9);
    CHECK(isnan(W("pmr_light_off_mm")));
    /* per minute: dark 600, 600; light 1800 and (4770 - 3000) = 1770; the onset
     * belongs to bin 2 */
    CHECK_NEAR(B("activity_dark_mm_min", 0), 600.0, 1e-9);
    CHECK_NEAR(B("activity_dark_mm_min", 1), 600.0, 1e-9);
    CHECK(isnan(B("activity_dark_mm_min", 2)));
    CHECK_NEAR(B("activity_light_mm_min", 2), 1800.0, 1e-9);
    CHECK_NEAR(B("activity_light_mm_min", 3), 1770.0, 1e-9);
    CHECK(isnan(B("pmr_light_on_mm", 1)));
    CHECK_NEAR(B("pmr_light_on_mm", 2), 1200.0, 1e-9);
    CHECK(isnan(B("pmr_light_on_mm", 3)));
    zf_track_free(&tr);
}

static void test_light_activity(void)
{
    /* ViewPoint bins of 60 s: 10 mm per bin for 5 minutes, then 40 mm. Light on
     * at 300 s, off at 480 s. Onset: bin 300 (40) - bin 240 (10) = 30 mm; offset:
     * bin 480 (40) - bin 420 (40) = 0. Dark: [0, 300) and [480, 600): 50 + 80 mm
     * in 7 min; light [300, 480): 120 mm in 3 min = 40 mm/min. */
    zf_activity act;
    zf_activity_init(&act);
    for (size_t b = 0; b < 10; b++)
        CHECK_OK(zf_activity_push(&act, 60.0 * (double)b, 60.0, 0.0, b < 5 ? 10.0 : 40.0, 0.0));
    zf_arena a = top_arena(100.0, 100.0);
    zf_metric_params p = params_halves();
    p.nlight = 3;
    p.light_t[0] = 0, p.light_on[0] = 0;
    p.light_t[1] = 300, p.light_on[1] = 1;
    p.light_t[2] = 480, p.light_on[2] = 0;
    g_nbin = 10;
    CHECK_OK(zf_metrics_activity(&act, &a, &p, g_whole, g_binned, 10));
    CHECK_NEAR(W("distance_mm"), 250.0, TOL);
    CHECK_NEAR(W("pmr_light_on_mm"), 30.0, 1e-12);
    CHECK_NEAR(W("pmr_light_off_mm"), 0.0, 1e-12);
    CHECK_NEAR(W("activity_dark_mm_min"), 130.0 / 7.0, 1e-12);
    CHECK_NEAR(W("activity_light_mm_min"), 40.0, 1e-12);
    CHECK(isnan(W("time_top_s")) && isnan(W("freezing_time_s")));
    for (size_t b = 0; b < 10; b++)
        CHECK_NEAR(B("distance_mm", b), b < 5 ? 10.0 : 40.0, TOL);
    CHECK_NEAR(B("pmr_light_on_mm", 5), 30.0, 1e-12);
    CHECK(isnan(B("pmr_light_on_mm", 4)));
    CHECK_NEAR(B("pmr_light_off_mm", 8), 0.0, 1e-12);
    /* without a schedule the light metrics stay empty */
    p.nlight = 0;
    CHECK_OK(zf_metrics_activity(&act, &a, &p, g_whole, g_binned, 10));
    CHECK(isnan(W("pmr_light_on_mm")) && isnan(W("activity_dark_mm_min")));
    zf_activity_free(&act);
}

/* Random walk in a big top arena: n samples at 10 Hz, steps up to 20 mm. */
static void random_track(zf_track *tr, size_t n)
{
    double x = 500, y = 500, h = 0;
    zf_track_init(tr);
    for (size_t i = 0; i < n; i++) {
        CHECK_OK(zf_track_push(tr, 0.1 * (double)i, x, y));
        h += (uniform01() - 0.5) * 2.0;
        double d = uniform01() < 0.2 ? 0.05 * uniform01() : 20.0 * uniform01();
        x += d * cos(h);
        y += d * sin(h);
    }
}

static void test_invariance(void)
{
    /* Property: distance, speeds and turning do not change when the arena is
     * rotated and translated (top view); a mirror image swaps cw and ccw. */
    zf_arena a = top_arena(1e5, 1e5);
    zf_metric_params p = params_halves();
    const char *same[] = {"distance_mm", "mean_speed_mm_s", "max_speed_mm_s", "time_mobile_s", "freezing_time_s",
                          "freezing_bouts", "mean_abs_turn_deg", "angular_velocity_deg_s", "meander_deg_mm",
                          "rotations_cw", "rotations_ccw", "erratic_bouts", "observed_s"};
    size_t ns = sizeof same / sizeof same[0];
    for (int rep = 0; rep < 20; rep++) {
        zf_track tr, rt, mt;
        random_track(&tr, 300 + (size_t)(uniform01() * 500));
        double th = uniform01() * 6.283185307179586, dx = uniform01() * 1e4, dy = uniform01() * 1e4;
        zf_track_init(&rt);
        zf_track_init(&mt);
        for (size_t i = 0; i < tr.n; i++) {
            double x = tr.x[i], y = tr.y[i];
            CHECK_OK(zf_track_push(&rt, tr.t[i], cos(th) * x - sin(th) * y + dx, sin(th) * x + cos(th) * y + dy));
            CHECK_OK(zf_track_push(&mt, tr.t[i], 2e4 - x, y));
        }
        double v0[16], v1[16];
        whole(&tr, &a, &p);
        for (size_t k = 0; k < ns; k++)
            v0[k] = M(same[k]);
        whole(&rt, &a, &p);
        for (size_t k = 0; k < ns; k++)
            v1[k] = M(same[k]);
        for (size_t k = 0; k < ns; k++)
            CHECK_NEAR(v1[k], v0[k], 1e-9);
        CHECK(v0[0] > 0);
        whole(&mt, &a, &p);
        CHECK_NEAR(M("distance_mm"), v0[0], 1e-9);
        CHECK(M("rotations_cw") == v0[10] && M("rotations_ccw") == v0[9]);
        zf_track_free(&tr);
        zf_track_free(&rt);
        zf_track_free(&mt);
    }
}

static void test_zone_time_property(void)
{
    /* Property: zones that partition the arena add up to the observed time, in
     * the whole trial and in every bin; so do wall band + centre. Random
     * irregular sampling with missing samples and bins that cut samples. */
    zf_arena a = top_arena(300.0, 200.0);
    zf_metric_params zp = params_halves();
    zp.nzones = 2;
    snprintf(zp.zones[0].name, sizeof zp.zones[0].name, "left");
    snprintf(zp.zones[1].name, sizeof zp.zones[1].name, "right");
    const double l[4] = {0, 0, 150, 200}, r[4] = {150, 0, 300, 200};
    memcpy(zp.zones[0].v, l, sizeof l);
    memcpy(zp.zones[1].v, r, sizeof r);
    int il = slot_of(&zp, "zone_left_time_s"), ir = slot_of(&zp, "zone_right_time_s");
    int io = zf_metric_find("observed_s"), iw = zf_metric_find("thigmotaxis_time_s"), ic = zf_metric_find("centre_time_s");
    int idist = zf_metric_find("distance_mm"), ifz = zf_metric_find("freezing_time_s");
    CHECK(il >= 0 && ir >= 0);
    for (int rep = 0; rep < 30 && il >= 0 && ir >= 0; rep++) {
        zf_track tr;
        zf_track_init(&tr);
        size_t n = 50 + (size_t)(uniform01() * 400);
        double t = uniform01() * 3.0;
        for (size_t i = 0; i < n; i++) {
            double x = 1 + uniform01() * 298, y = 1 + uniform01() * 198;
            if (uniform01() < 0.05)
                y = NAN;
            if (uniform01() < 0.1)
                x = 150.0 + 0.3 * uniform01(); /* still spells for freezing */
            CHECK_OK(zf_track_push(&tr, t, x, y));
            t += 0.02 + uniform01() * 0.2;
        }
        zf_metric_params p = zp;
        p.bin_s = 0.5 + uniform01() * 5.0;
        size_t nbin = (size_t)ceil((t + 0.25) / p.bin_s) + 1;
        if (nbin > MAX_BINS) {
            p.bin_s = (t + 0.25) / (double)(MAX_BINS - 1);
            nbin = MAX_BINS;
        }
        track_bins(&tr, &a, &p, nbin);
        CHECK_NEAR(g_whole[il] + g_whole[ir], g_whole[io], 1e-9);
        CHECK_NEAR(g_whole[iw] + g_whole[ic], g_whole[io], 1e-9);
        double so = 0, sd = 0, sf = 0;
        for (size_t b = 0; b < nbin; b++) {
            double o = g_binned[(size_t)io * nbin + b];
            if (isnan(o))
                continue;
            CHECK_NEAR(g_binned[(size_t)il * nbin + b] + g_binned[(size_t)ir * nbin + b], o, 1e-9);
            so += o;
            sd += g_binned[(size_t)idist * nbin + b];
            sf += g_binned[(size_t)ifz * nbin + b];
        }
        CHECK_NEAR(so, g_whole[io], 1e-9);
        CHECK_NEAR(sd, g_whole[idist], 1e-9);
        CHECK_NEAR(sf, g_whole[ifz], 1e-9);
        zf_track_free(&tr);
    }
}

static void test_params(void)
{
    zf_metric_params p;
    char buf[4096];
    zf_metric_params_default(&p);
    /* every parameter of the table has its default in the struct, and a source */
    for (size_t i = 0; i < zf_metric_param_count(); i++) {
        const zf_metric_param_desc *d = zf_metric_param_get(i);
        CHECK(d && d->name && d->definition[0] && d->source[0]);
        if (d && zf_metric_param_find(d->name) != (int)i)
            CHECK(0);
    }
    CHECK(zf_metric_param_get(zf_metric_param_count()) == NULL);
    CHECK_OK(zf_metric_params_text(&p, "freeze_min_s,smooth.method,interpolation,light_schedule", buf, sizeof buf));
    CHECK(strcmp(buf, "freeze_min_s=2 smooth.method=none interpolation=linear light_schedule=none") == 0);
    CHECK(zf_metric_params_text(&p, "no_such", buf, sizeof buf) == ZF_EINVAL);
    CHECK(zf_metric_params_text(&p, NULL, buf, 8) == ZF_EINVAL);
    CHECK_OK(zf_metric_params_text(&p, NULL, buf, sizeof buf));
    /* every row's parameters exist */
    for (size_t i = 0; i < zf_metric_count(); i++) {
        const zf_metric_desc *d = zf_metric_get(i);
        CHECK_OK(zf_metric_params_text(&p, d->params, buf, sizeof buf));
    }
    int iw = zf_metric_param_find("smooth.window"), im = zf_metric_param_find("smooth.method");
    CHECK(iw >= 0 && im >= 0);
    CHECK(zf_metric_param_set(&p, (size_t)iw, 4.0) == ZF_EINVAL);   /* even */
    CHECK(zf_metric_param_set(&p, (size_t)iw, 7.5) == ZF_EINVAL);   /* not whole */
    CHECK_OK(zf_metric_param_set(&p, (size_t)iw, 7.0));
    CHECK(p.smooth_window == 7.0);
    CHECK(zf_metric_param_set(&p, (size_t)im, 1.0) == ZF_EINVAL);   /* a choice */
    CHECK_OK(zf_metric_param_set_choice(&p, (size_t)im, "gaussian"));
    CHECK(p.smooth == ZF_SMOOTH_GAUSSIAN);
    CHECK(zf_metric_param_set_choice(&p, (size_t)im, "spline") == ZF_EINVAL);
    CHECK(zf_metric_param_set(&p, (size_t)zf_metric_param_find("top_fraction"), 1.5) == ZF_EINVAL);
    p.nlight = 2;
    p.light_t[0] = 0, p.light_on[0] = 1, p.light_t[1] = 600, p.light_on[1] = 0;
    CHECK_OK(zf_metric_params_text(&p, "light_schedule", buf, sizeof buf));
    CHECK(strcmp(buf, "light_schedule=0:on,600:off") == 0);

    /* the docs list every metric and parameter */
    FILE *fp = tmpfile();
    CHECK(fp != NULL);
    if (fp) {
        CHECK_OK(zf_metrics_write_markdown(fp));
        long len = ftell(fp);
        char *md = malloc((size_t)len + 1);
        rewind(fp);
        if (md && fread(md, 1, (size_t)len, fp) == (size_t)len) {
            md[len] = '\0';
            for (size_t i = 0; i < zf_metric_count(); i++) {
                char cellname[96];
                snprintf(cellname, sizeof cellname, "| `%s` |", zf_metric_get(i)->name);
                CHECK(strstr(md, cellname) != NULL);
            }
            for (size_t i = 0; i < zf_metric_zone_count(); i++)
                CHECK(strstr(md, zf_metric_zone_get(i)->name) != NULL);
            for (size_t i = 0; i < zf_metric_param_count(); i++) {
                char cellname[96];
                snprintf(cellname, sizeof cellname, "| `%s` |", zf_metric_param_get(i)->name);
                CHECK(strstr(md, cellname) != NULL);
            }
        } else {
            CHECK(0);
        }
        free(md);
        fclose(fp);
    }
}

/* Whether text, a space-separated list of name=value words, holds the word w. */
static int has_word(const char *text, const char *w)
{
    size_t n = strlen(w);
    for (const char *c = strstr(text, w); c; c = strstr(c + 1, w))
        if ((c == text || c[-1] == ' ') && (c[n] == ' ' || c[n] == '\0'))
            return 1;
    return 0;
}

/* The provenance text records every parameter of the table with its value: each default, and a value a
 * study sets; one word per parameter, nothing else. */
static void test_params_provenance(void)
{
    zf_metric_params p;
    char buf[4096], word[160];
    size_t n = zf_metric_param_count(), nwords = 1;
    zf_metric_params_default(&p);
    CHECK_OK(zf_metric_params_text(&p, NULL, buf, sizeof buf));
    for (const char *c = buf; *c; c++)
        nwords += *c == ' ';
    CHECK(nwords == n);
    for (size_t i = 0; i < n; i++) {
        const zf_metric_param_desc *d = zf_metric_param_get(i);
        if (d->kind == ZF_PARAM_CHOICE) {
            const char *c = d->choices, *bar = strchr(c, '|');
            snprintf(word, sizeof word, "%s=%.*s", d->name, (int)(bar ? (size_t)(bar - c) : strlen(c)), c);
            CHECK(d->def == 0.0); /* the text above names the first choice */
        } else if (d->kind == ZF_PARAM_SCHEDULE) {
            snprintf(word, sizeof word, "%s=none", d->name);
        } else {
            snprintf(word, sizeof word, "%s=%g", d->name, d->def);
        }
        if (!has_word(buf, word)) {
            fprintf(stderr, "  provenance lacks the default '%s' in: %s\n", word, buf);
            CHECK(0);
        }
    }
    /* a value other than the default is what is recorded */
    for (size_t i = 0; i < n; i++) {
        const zf_metric_param_desc *d = zf_metric_param_get(i);
        if (d->kind == ZF_PARAM_CHOICE || d->kind == ZF_PARAM_SCHEDULE)
            continue;
        double v = d->lo != d->def ? d->lo : d->hi;
        zf_metric_params_default(&p);
        CHECK_OK(zf_metric_param_set(&p, i, v));
        CHECK_OK(zf_metric_params_text(&p, NULL, buf, sizeof buf));
        snprintf(word, sizeof word, "%s=%g", d->name, v);
        if (!has_word(buf, word)) {
            fprintf(stderr, "  provenance lacks the set value '%s' in: %s\n", word, buf);
            CHECK(0);
        }
    }
    zf_metric_params_default(&p);
    CHECK_OK(zf_metric_param_set_choice(&p, (size_t)zf_metric_param_find("interpolation"), "akima"));
    CHECK_OK(zf_metric_param_set_choice(&p, (size_t)zf_metric_param_find("smooth.method"), "median"));
    p.nlight = 1, p.light_t[0] = 0, p.light_on[0] = 0;
    CHECK_OK(zf_metric_params_text(&p, NULL, buf, sizeof buf));
    CHECK(has_word(buf, "interpolation=akima") && has_word(buf, "smooth.method=median"));
    CHECK(has_word(buf, "light_schedule=0:off"));
}


/* ---- endpoint selection: the need-mask of the kernel ---- */

/* A random walk (random_track) with missing runs and teleports. */
static void rough_track(zf_track *tr, size_t n)
{
    random_track(tr, n);
    for (size_t i = 1; i < tr->n; i++) {
        double u = uniform01();
        if (u < 0.01) { /* a missing run of 1 to 8 samples */
            size_t len = 1 + (size_t)(uniform01() * 8);
            for (size_t j = i; j < i + len && j < tr->n; j++)
                tr->x[j] = tr->y[j] = NAN;
            i += len;
        } else if (u < 0.015) {
            tr->x[i] += 500.0; /* a tracking error: a teleport there and back */
        }
    }
}

/* Slots selected by the names in sel (endpoints), and the metrics of tr with
 * that selection compared bit for bit with the full computation (whole and
 * bins, bins on and off); the slots not selected must be NaN. */
static int g_sel_fail;
static void check_subset(const zf_track *tr, const zf_arena *a, const zf_metric_params *full, const char *const *sel,
                         size_t nsel, const double *fw, const double *fb, size_t nbin)
{
    zf_metric_params p = *full;
    size_t nout = zf_metric_nout(&p);
    static double w[MAX_METRICS], b[MAX_METRICS * 64];
    p.select = 1;
    memset(p.keep, 0, sizeof p.keep);
    for (size_t i = 0; i < nsel; i++) {
        int k = zf_metric_endpoint_find(a, &p, sel[i]);
        CHECK(k >= 0);
        if (k >= 0)
            p.keep[k] = 1;
    }
    for (int bins = 0; bins < 2; bins++) {
        zf_metric_ws *ws = NULL;
        size_t nb = bins ? nbin : 0;
        if (!bins)
            p.bin_s = 0; /* time bins off */
        else
            p.bin_s = full->bin_s;
        CHECK_OK(zf_metric_ws_new(a, &p, &ws));
        if (!ws)
            return;
        CHECK_OK(zf_metrics_track(ws, tr, w, b, nb));
        zf_metric_ws_free(ws);
        for (size_t k = 0; k < nout; k++) {
            int on = zf_metric_selected(&p, k);
            int ok = on ? memcmp(&w[k], &fw[k], sizeof w[k]) == 0 : isnan(w[k]) != 0;
            for (size_t j = 0; j < nb; j++)
                ok &= on ? memcmp(&b[k * nb + j], &fb[k * nbin + j], sizeof(double)) == 0 : isnan(b[k * nb + j]) != 0;
            CHECK(ok);
            if (!ok && g_sel_fail++ < 10) {
                zf_metric_column col;
                zf_metric_column_get(a, &p, k, &col);
                fprintf(stderr, "  slot %zu (%s) %s with %zu endpoints (first %s), bins %s: %.17g vs %.17g\n", k,
                        col.name, on ? "differs" : "not NaN", nsel, nsel ? sel[0] : "-", bins ? "on" : "off", w[k],
                        fw[k]);
            }
        }
    }
}

static void test_selection_identical(void)
{
    /* Property: a metric computed alone, or with any other selection, has the
     * bits it has when everything is computed; bins on or off. */
    static const char *const peer[] = {"distance_mm", "mean_speed_mm_s", "time_top_s", "top_entries",
                                       "latency_top_s", "freezing_time_s", "freezing_bouts"};
    for (int conf = 0; conf < 3; conf++) {
        zf_arena a;
        zf_metric_params p = params_halves();
        p.bin_s = 7.0;
        if (conf == 0) { /* side view with a light schedule */
            zf_arena_init(&a, ZF_ARENA_SIDE, 1000.0, 1000.0);
            p.nlight = 2;
            p.light_t[0] = 0, p.light_on[0] = 1;
            p.light_t[1] = 20, p.light_on[1] = 0;
        } else { /* top view with zones, interpolation and smoothing */
            zf_arena_init(&a, ZF_ARENA_TOP, 1000.0, 1000.0);
            p.arena_shape = conf == 1 ? ZF_SHAPE_RECT : ZF_SHAPE_CIRCLE;
            p.nzones = 2;
            snprintf(p.zones[0].name, sizeof p.zones[0].name, "left");
            p.zones[0].shape = ZF_SHAPE_RECT;
            p.zones[0].v[0] = 0, p.zones[0].v[1] = 0, p.zones[0].v[2] = 500, p.zones[0].v[3] = 1000;
            snprintf(p.zones[1].name, sizeof p.zones[1].name, "mid");
            p.zones[1].shape = ZF_SHAPE_CIRCLE;
            p.zones[1].v[0] = 500, p.zones[1].v[1] = 500, p.zones[1].v[2] = 60;
            p.max_gap_s = 0.35;
            p.interpolation = conf == 1 ? ZF_INTERP_LINEAR : ZF_INTERP_STEFFEN;
            p.smooth = conf == 1 ? ZF_SMOOTH_NONE : ZF_SMOOTH_MEDIAN;
            p.move_avg_samples = 3;
            p.erratic_accel_mm_s2 = 500;
            p.wall_band_mm = 450;
        }
        /* the endpoints of this arena */
        const char *names[MAX_METRICS];
        char store[MAX_METRICS][80];
        size_t nn = 0, nout = zf_metric_nout(&p);
        for (size_t k = 0; k < nout; k++) {
            zf_metric_column col;
            if (zf_metric_column_get(&a, &p, k, &col) == 1 && col.desc->endpoint) {
                snprintf(store[nn], sizeof store[nn], "%s", col.name);
                names[nn] = store[nn];
                nn++;
            }
        }
        CHECK(nn >= 18);
        for (int rep = 0; rep < 4; rep++) {
            zf_track tr;
            rough_track(&tr, 200 + (size_t)(uniform01() * 400));
            size_t nbin = (size_t)ceil(tr.t[tr.n - 1] / p.bin_s) + 1;
            static double fw[MAX_METRICS], fb[MAX_METRICS * 64];
            zf_metric_ws *ws = NULL;
            CHECK(nbin <= 64);
            CHECK_OK(zf_metric_ws_new(&a, &p, &ws));
            CHECK_OK(zf_metrics_track(ws, &tr, fw, fb, nbin));
            zf_metric_ws_free(ws);
            for (size_t i = 0; i < nn; i++) /* each endpoint alone */
                check_subset(&tr, &a, &p, &names[i], 1, fw, fb, nbin);
            if (conf == 0) /* the peer's seven */
                check_subset(&tr, &a, &p, peer, sizeof peer / sizeof peer[0], fw, fb, nbin);
            for (int r = 0; r < 10; r++) { /* random subsets */
                const char *sub[MAX_METRICS];
                size_t ns = 0;
                for (size_t i = 0; i < nn; i++)
                    if (uniform01() < 0.3)
                        sub[ns++] = names[i];
                check_subset(&tr, &a, &p, sub, ns, fw, fb, nbin);
            }
            check_subset(&tr, &a, &p, names, nn, fw, fb, nbin); /* all, named */
            zf_track_free(&tr);
        }
    }
    /* names: endpoints of the arena only; QC rows always, a latency's flag with it */
    {
        zf_arena a = side_arena(100.0);
        zf_metric_params p = params_halves();
        CHECK(zf_metric_endpoint_find(&a, &p, "time_top_s") >= 0);
        CHECK(zf_metric_endpoint_find(&a, &p, "thigmotaxis_time_s") < 0);
        CHECK(zf_metric_endpoint_find(&a, &p, "observed_s") < 0);
        CHECK(zf_metric_endpoint_find(&a, &p, "activity_light_mm_min") < 0);
        CHECK(zf_metric_endpoint_find(&a, &p, "no_such") < 0);
        p.select = 1;
        p.keep[zf_metric_endpoint_find(&a, &p, "latency_top_s")] = 1;
        CHECK(zf_metric_selected(&p, (size_t)zf_metric_find("latency_top_censored")));
        CHECK(zf_metric_selected(&p, (size_t)zf_metric_find("observed_s")));
        CHECK(zf_metric_selected(&p, (size_t)zf_metric_find("fraction_missing")));
        CHECK(!zf_metric_selected(&p, (size_t)zf_metric_find("time_top_s")));
        char list[2048], text[4096];
        zf_metric_endpoint_names(&a, &p, list, sizeof list);
        CHECK(strstr(list, "distance_mm, mean_speed_mm_s") == list && strstr(list, "time_top_s") &&
              !strstr(list, "observed_s") && !strstr(list, "thigmotaxis"));
        CHECK_OK(zf_metric_params_text(&p, NULL, text, sizeof text));
        CHECK(strstr(text, " endpoints=latency_top_s") != NULL);
        p.select = 0;
        CHECK_OK(zf_metric_params_text(&p, NULL, text, sizeof text));
        CHECK(strstr(text, "endpoints") == NULL);
    }
}

int main(void)
{
    zf_init();
    test_registry();
    test_straight_line();
    test_parked_top();
    test_two_entries();
    test_never_top();
    test_freezing();
    test_missing();
    test_windows();
    test_thirds();
    test_zone_property();
    test_locomotion_line();
    test_max_speed();
    test_mobility();
    test_parked_depth();
    test_top_view();
    test_zones();
    test_rotations_square();
    test_rotations_circle();
    test_erratic();
    test_gaps();
    test_teleport();
    test_smoothing();
    test_bin_split();
    test_bouts_across_bins();
    test_light_track();
    test_light_activity();
    test_invariance();
    test_zone_time_property();
    test_params();
    test_params_provenance();
    test_selection_identical();
    return CHECK_DONE();
}
