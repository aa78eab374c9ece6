/* test_metrics.c: unit tests of the metric catalogue and its kernel on hand-made tracks whose answers are worked out by hand. */
#include "check.h"
#include "zfstress/core.h"
#include "zfstress/metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_METRICS 64
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
    a.kind = ZF_ARENA_SIDE;
    a.width_mm = 200.0;
    a.height_mm = height_mm;
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
        CHECK(d->arena == ZF_ARENA_ANY || d->arena == ZF_ARENA_SIDE || d->arena == ZF_ARENA_TOP);
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

    zf_metric_params p;
    zf_metric_params_default(&p);
    CHECK(p.top_fraction == 0.5 && p.freeze_min_s == 2.0 && p.bin_s == 60.0 && p.freeze_speed_mm_s == 5.0);
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
    return CHECK_DONE();
}
