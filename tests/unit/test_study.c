/* test_study.c: unit tests of the study file's metric and arena keys (zones, smoothing, light schedule, every metric parameter) and their errors with line:column. */
#include "check.h"
#include "zfstress/core.h"
#include "zfstress/metrics.h"
#include "zfstress/study.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char g_path[1024];

/* Write text to <ZF_TMP>/study.yaml; g_path names it. */
static void write_study(const char *text)
{
    const char *base = getenv("ZF_TMP");
    if (!base || !base[0])
        base = "/tmp/zf_study_test";
    if (mkdir(base, 0777) != 0 && errno != EEXIST)
        fprintf(stderr, "cannot create %s: %s\n", base, strerror(errno));
    snprintf(g_path, sizeof g_path, "%s/study.yaml", base);
    FILE *fp = fopen(g_path, "wb");
    CHECK(fp != NULL);
    if (!fp)
        return;
    CHECK(fputs(text, fp) >= 0);
    CHECK(fclose(fp) == 0);
}

/* Load text; 0 and *s filled, or the status (s left empty). */
static int load(const char *text, zf_study *s)
{
    write_study(text);
    zf_error_clear();
    int rc = zf_study_load(g_path, s);
    if (rc)
        zf_study_default(s);
    return rc;
}

/* The study must fail with ZF_ESTUDY and a message holding "study.yaml':LINE:COL: " and what. */
static void fails(const char *text, int line, int col, const char *what)
{
    zf_study s;
    char at[64];
    int rc = load(text, &s);
    CHECK(rc == ZF_ESTUDY);
    snprintf(at, sizeof at, "study.yaml':%d:%d: ", line, col);
    const char *msg = zf_errmsg();
    int ok = strstr(msg, at) != NULL && strstr(msg, what) != NULL;
    CHECK(ok);
    if (!ok)
        fprintf(stderr, "  expected '%s' ... '%s' in: %s\n", at, what, msg);
    zf_study_free(&s);
}

static void test_defaults(void)
{
    zf_study s;
    CHECK_OK(load("samples: samples.csv\n", &s));
    CHECK(s.arena.kind == ZF_ARENA_SIDE && s.metrics.arena_shape == ZF_SHAPE_RECT && s.metrics.nzones == 0);
    CHECK(s.metrics.top_fraction == 0.5 && s.metrics.bottom_fraction == 0.5);
    CHECK(s.metrics.nlight == 0 && s.metrics.smooth == ZF_SMOOTH_NONE && s.metrics.max_gap_s == 0.0);
    CHECK(s.metrics.move_start_mm_s == 20.0 && s.metrics.rotation_tolerance_deg == 90.0);
    zf_study_free(&s);

    /* the bottom zone follows the top one unless it is given */
    CHECK_OK(load("samples: samples.csv\nmetrics: {top_fraction: 0.3333}\n", &s));
    CHECK(s.metrics.bottom_fraction == 0.3333);
    zf_study_free(&s);
}

static void test_full(void)
{
    zf_study s;
    int rc = load("samples: samples.csv\n"
                  "arena:\n"
                  "  kind: top\n"
                  "  width_mm: 300\n"
                  "  height_mm: 200\n"
                  "  shape: circle\n"
                  "  zones: [{name: dark, rect: [0, 0, 150, 200]}, {name: centre, circle: [150, 100, 50]},\n"
                  "          {name: tri, polygon: [[0,0],[10,0],[0,10]]}]\n"
                  "metrics:\n"
                  "  bin_s: 30\n"
                  "  top_mm: 50\n"
                  "  bottom_mm: 100\n"
                  "  freeze_speed_mm_s: 4\n"
                  "  max_speed_percentile: 99\n"
                  "  move_start_mm_s: 30\n"
                  "  move_stop_mm_s: 25\n"
                  "  move_avg_samples: 3\n"
                  "  erratic_speed_mm_s: 150\n"
                  "  erratic_accel_mm_s2: 2000\n"
                  "  erratic_turn_deg: 120\n"
                  "  turn_min_step_mm: 0.5\n"
                  "  rotation_tolerance_deg: 45\n"
                  "  wall_band_mm: 10\n"
                  "  teleport_speed_mm_s: 800\n"
                  "  max_gap_s: 0.2\n"
                  "  interpolation: akima\n"
                  "  smooth: {method: gaussian, window: 7, alpha: 2.5}\n"
                  "  light_schedule: [[0, on], [600, off], [1200, on]]\n"
                  "  pmr_window_s: 30\n",
                  &s);
    CHECK_OK(rc);
    if (rc)
        return;
    const zf_arena *ar = &s.arena;
    const zf_metric_params *a = &s.metrics; /* outline and zones are metric parameters */
    CHECK(ar->kind == ZF_ARENA_TOP && a->arena_shape == ZF_SHAPE_CIRCLE && ar->width_mm == 300 && ar->height_mm == 200);
    CHECK(a->nzones == 3);
    CHECK(strcmp(a->zones[0].name, "dark") == 0 && a->zones[0].shape == ZF_SHAPE_RECT && a->zones[0].v[2] == 150 &&
          a->zones[0].v[3] == 200);
    CHECK(strcmp(a->zones[1].name, "centre") == 0 && a->zones[1].shape == ZF_SHAPE_CIRCLE && a->zones[1].v[2] == 50);
    CHECK(strcmp(a->zones[2].name, "tri") == 0 && a->zones[2].shape == ZF_SHAPE_POLYGON && a->zones[2].nv == 3 &&
          a->zones[2].v[2] == 10 && a->zones[2].v[5] == 10);
    const zf_metric_params *p = &s.metrics;
    CHECK(p->bin_s == 30);
    CHECK_NEAR(p->top_fraction, 0.25, 1e-15);   /* 50 mm of 200 */
    CHECK_NEAR(p->bottom_fraction, 0.5, 1e-15); /* 100 mm of 200 */
    CHECK(p->freeze_speed_mm_s == 4 && p->max_speed_percentile == 99);
    CHECK(p->move_start_mm_s == 30 && p->move_stop_mm_s == 25 && p->move_avg_samples == 3);
    CHECK(p->erratic_speed_mm_s == 150 && p->erratic_accel_mm_s2 == 2000 && p->erratic_turn_deg == 120);
    CHECK(p->turn_min_step_mm == 0.5 && p->rotation_tolerance_deg == 45 && p->wall_band_mm == 10);
    CHECK(p->teleport_speed_mm_s == 800 && p->max_gap_s == 0.2 && p->interpolation == ZF_INTERP_AKIMA);
    CHECK(p->smooth == ZF_SMOOTH_GAUSSIAN && p->smooth_window == 7 && p->smooth_alpha == 2.5);
    CHECK(p->nlight == 3 && p->light_t[1] == 600 && p->light_on[0] == 1 && p->light_on[1] == 0 && p->light_on[2] == 1);
    CHECK(p->pmr_window_s == 30);
    /* what the study declares is what the kernels accept */
    zf_metric_ws *w = NULL;
    CHECK_OK(zf_metric_ws_new(ar, p, &w));
    zf_metric_ws_free(w);
    char buf[8192];
    CHECK_OK(zf_arena_text(ar, p, buf, sizeof buf));
    CHECK(strcmp(buf, "arena.kind=top arena.width_mm=300 arena.height_mm=200 arena.shape=circle "
                      "zone.dark=rect:0,0,150,200 zone.centre=circle:150,100,50 zone.tri=polygon:0,0,10,0,0,10") == 0);
    zf_study_free(&s);
}

static void test_errors(void)
{
    /* an unknown zone shape names its line and column and the shapes there are */
    fails("samples: s.csv\n"
          "arena:\n"
          "  kind: top\n"
          "  zones:\n"
          "    - {name: dark, ellipse: [0, 0, 10, 20]}\n",
          5, 20, "unknown key 'ellipse'; expected one of: name, rect, circle, polygon");
    fails("samples: s.csv\narena: {zones: [{name: a}]}\n", 2, 17, "zone 'a': expected a shape");
    fails("samples: s.csv\narena: {zones: [{rect: [0, 0, 1, 1]}]}\n", 2, 17, "expected a key 'name'");
    fails("samples: s.csv\narena: {zones: [{name: a, rect: [0, 0, 1, 1], circle: [0, 0, 1]}]}\n", 2, 55,
          "expected one shape");
    fails("samples: s.csv\narena: {zones: [{name: a b, rect: [0, 0, 1, 1]}]}\n", 2, 24, "letters, digits or '_'");
    fails("samples: s.csv\narena: {zones: [{name: a, rect: [5, 0, 1, 1]}]}\n", 2, 33, "x1 > x0");
    fails("samples: s.csv\narena: {zones: [{name: a, rect: [0, 0, 1]}]}\n", 2, 33, "got 3 numbers");
    fails("samples: s.csv\narena: {zones: [{name: a, circle: [0, 0, -1]}]}\n", 2, 35, "r > 0");
    fails("samples: s.csv\narena: {zones: [{name: a, polygon: [[0, 0], [1, 1]]}]}\n", 2, 36, "at least 3 vertices");
    fails("samples: s.csv\narena: {zones: [{name: a, polygon: [[0, 0], [1], [1, 1]]}]}\n", 2, 45, "a vertex [x, y]");
    fails("samples: s.csv\narena: {zones: [{name: a, circle: [0, 0, 1]}, {name: a, circle: [1, 1, 1]}]}\n", 2, 47,
          "used twice");
    fails("samples: s.csv\narena: {zones: {name: a}}\n", 2, 16, "expected a list of zones");
    fails("samples: s.csv\narena: {shape: hexagon}\n", 2, 16, "expected rect or circle");
    /* metric parameters: ranges, whole and odd numbers, choices */
    fails("samples: s.csv\nmetrics: {smooth: {method: spline}}\n", 2, 28, "expected one of none|median|gaussian|mean");
    fails("samples: s.csv\nmetrics: {smooth: {method: median, window: 4}}\n", 2, 44, "expected an odd number");
    fails("samples: s.csv\nmetrics: {smooth: {width: 4}}\n", 2, 20, "unknown key 'width'; expected one of: method, window, alpha");
    fails("samples: s.csv\nmetrics: {interpolation: cubic}\n", 2, 26, "expected one of linear|steffen|akima");
    fails("samples: s.csv\nmetrics: {move_avg_samples: 2.5}\n", 2, 29, "expected a whole number");
    fails("samples: s.csv\nmetrics: {max_speed_percentile: 101}\n", 2, 33, "between 50 and 100");
    fails("samples: s.csv\nmetrics: {erratic_turn_deg: abc}\n", 2, 29, "expected a number, got \"abc\"");
    fails("samples: s.csv\nmetrics: {frezing_min_s: 2}\n", 2, 11, "unknown key 'frezing_min_s'");
    /* light schedule */
    fails("samples: s.csv\nmetrics: {light_schedule: [[0, on], [0, off]]}\n", 2, 38, "increase");
    fails("samples: s.csv\nmetrics: {light_schedule: [[0, dim]]}\n", 2, 32, "expected on or off");
    fails("samples: s.csv\nmetrics: {light_schedule: [[0]]}\n", 2, 28, "expected [start_s, on|off]");
    fails("samples: s.csv\nmetrics: {light_schedule: on}\n", 2, 27, "expected a list of [start_s, on|off]");
    /* zone heights in mm against the tank */
    fails("samples: s.csv\narena: {height_mm: 100}\nmetrics: {top_mm: 150}\n", 3, 19, "at most the tank height");
    fails("samples: s.csv\nmetrics: {top_fraction: 0.5, top_mm: 50}\n", 2, 38, "not both");

    /* thresholds that only make sense together */
    zf_study s;
    CHECK(load("samples: s.csv\nmetrics: {move_start_mm_s: 10, move_stop_mm_s: 12}\n", &s) == ZF_ESTUDY);
    CHECK(strstr(zf_errmsg(), "move_stop_mm_s (12) must not exceed move_start_mm_s (10)") != NULL);
    zf_study_free(&s);
}


static void test_endpoints(void)
{
    /* metrics.endpoints: the slots kept, in catalogue order, whatever the list's order */
    zf_study s;
    CHECK_OK(load("samples: s.csv\n"
                  "metrics:\n"
                  "  endpoints: [time_top_s, distance_mm, zone_dark_time_s]\n"
                  "  bin_s: 0\n"
                  "arena: {kind: side, zones: [{name: dark, rect: [0, 0, 10, 10]}]}\n",
                  &s));
    const zf_metric_params *p = &s.metrics;
    CHECK(p->select == 1 && p->bin_s == 0);
    CHECK(zf_metric_selected(p, (size_t)zf_metric_find("distance_mm")));
    CHECK(zf_metric_selected(p, (size_t)zf_metric_find("time_top_s")));
    CHECK(zf_metric_selected(p, (size_t)zf_metric_find("observed_s"))); /* QC: always */
    CHECK(!zf_metric_selected(p, (size_t)zf_metric_find("mean_speed_mm_s")));
    CHECK(!zf_metric_selected(p, (size_t)zf_metric_find("latency_top_censored")));
    CHECK(zf_metric_selected(p, zf_metric_count())); /* zone_dark_time_s, the first zone slot */
    CHECK(!zf_metric_selected(p, zf_metric_count() + 1));
    zf_study_free(&s);
    CHECK_OK(load("samples: s.csv\nmetrics: {bin_s: none}\n", &s));
    CHECK(s.metrics.bin_s == 0 && s.metrics.select == 0);
    zf_study_free(&s);
    CHECK_OK(load("samples: s.csv\n", &s));
    CHECK(s.metrics.bin_s == 60 && s.metrics.select == 0);
    zf_study_free(&s);

    fails("samples: s.csv\nmetrics: {endpoints: [distance_mm, time_topp_s]}\n", 2, 36,
          "unknown endpoint 'time_topp_s' for this arena; expected one of: distance_mm, mean_speed_mm_s,");
    fails("samples: s.csv\narena: {kind: top}\nmetrics: {endpoints: [time_top_s]}\n", 3, 23,
          "unknown endpoint 'time_top_s' for this arena; expected one of: distance_mm");
    fails("samples: s.csv\nmetrics: {endpoints: [observed_s]}\n", 2, 23, "unknown endpoint 'observed_s'");
    fails("samples: s.csv\nmetrics: {endpoints: [zone_x_time_s]}\n", 2, 23, "unknown endpoint 'zone_x_time_s'");
    fails("samples: s.csv\nmetrics: {endpoints: [distance_mm, distance_mm]}\n", 2, 36, "'distance_mm' named twice");
    fails("samples: s.csv\nmetrics: {endpoints: []}\n", 2, 22, "expected a list of endpoint names");
    fails("samples: s.csv\nmetrics: {endpoints: distance_mm}\n", 2, 22, "expected a list of endpoint names");
    fails("samples: s.csv\nmetrics: {bin_s: -1}\n", 2, 18, "between 0 and 1e+09");
    fails("samples: s.csv\nmetrics: {bin_s: 0}\ncompare: {repeated: bin}\n", 2, 18, "0 turns the time bins off");
    CHECK(load("samples: s.csv\nmetrics: {bin_s: 0}\nfigures: [{kind: timecourse, metric: distance_mm}]\n", &s) ==
          ZF_ESTUDY);
    CHECK(strstr(zf_errmsg(), "a timecourse needs the time bins") != NULL);
    zf_study_free(&s);
    CHECK(load("samples: s.csv\nmetrics: {endpoints: [distance_mm]}\nfigures: [{kind: box, metric: time_top_s}]\n",
               &s) == ZF_ESTUDY);
    CHECK(strstr(zf_errmsg(), "metric 'time_top_s' is not among metrics.endpoints") != NULL);
    zf_study_free(&s);
}

int main(void)
{
    zf_init();
    test_defaults();
    test_full();
    test_errors();
    test_endpoints();
    return CHECK_DONE();
}
